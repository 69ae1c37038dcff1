package io.stratafs.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stratafs.testkit.FuseAvailability;
import io.stratafs.testkit.MiniCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Advisory locks through the kernel on two mounts (two clients, two sessions) of one
 * filesystem: flock(1) and fcntl locks taken by real processes conflict across processes of one
 * mount and across mounts, and die with their process.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LockTest {
  private static final Duration RELEASE_WITHIN = Duration.ofSeconds(30);
  private static Path base;
  private static MiniCluster cluster;
  private static Path a;
  private static Path b;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(FuseAvailability.canMount(), FuseAvailability.reason());
    assumeTrue(Shell.has("python3") && Shell.has("flock"), "needs python3 and flock(1)");
    base = Files.createTempDirectory("strata-locks-");
    cluster = MiniCluster.builder(base.resolve("cluster")).storageDaemons(1).start();
    a = cluster.mount(base.resolve("mnt-a"));
    b = cluster.mount(base.resolve("mnt-b"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (base != null) {
      try (Stream<Path> s = Files.walk(base)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** A new file, as seen from mount A and mount B. */
  private static Path[] newFile(String name) throws Exception {
    String n = name + "-" + System.nanoTime();
    Files.writeString(a.resolve(n), "data");
    await().atMost(RELEASE_WITHIN).until(() -> Files.exists(b.resolve(n)));
    return new Path[] {a.resolve(n), b.resolve(n)};
  }

  private static int flockNb(Path file) throws Exception {
    return Shell.run(file.getParent(), "flock", "-n", file.toString(), "true").exit();
  }

  @Test
  void flockOnOneMountExcludesTheOtherUntilTheHolderExits() throws Exception {
    Path[] f = newFile("flock");
    try (LockProcess holder = LockProcess.flockHolder(f[0])) {
      assertThat(holder.line()).startsWith("held");
      assertThat(flockNb(f[1])).isEqualTo(1);
      assertThat(flockNb(f[0])).isEqualTo(1);
      holder.release();
      assertThat(holder.exitCode()).isZero();
      await().atMost(RELEASE_WITHIN).until(() -> flockNb(f[1]) == 0);
    }
  }

  @Test
  void flockAndFcntlLocksAreIndependent() throws Exception {
    Path[] f = newFile("independent");
    try (LockProcess holder = LockProcess.flockHolder(f[0])) {
      assertThat(holder.line()).startsWith("held");
      assertThat(LockProcess.once(f[1], "try")[0]).isEqualTo("locked");
    }
  }

  @Test
  void fcntlLocksConflictAcrossMountsAndProcessesAndGetlkNamesTheHolder() throws Exception {
    Path[] f = newFile("fcntl");
    try (LockProcess holder = LockProcess.python(f[0], "hold")) {
      assertThat(holder.line()).isEqualTo("held " + holder.pid());
      assertThat(LockProcess.once(f[1], "try")).containsExactly("busy 11", "11");
      assertThat(LockProcess.once(f[0], "try")).containsExactly("busy 11", "11");
      // F_GETLK: type F_WRLCK (1) and the holder's pid, from either mount.
      assertThat(LockProcess.once(f[1], "getlk")[0]).isEqualTo("1 " + holder.pid());
      assertThat(LockProcess.once(f[0], "getlk")[0]).isEqualTo("1 " + holder.pid());
      holder.release();
      assertThat(holder.exitCode()).isZero();
      await().atMost(RELEASE_WITHIN).until(() -> LockProcess.once(f[1], "try")[0].equals("locked"));
      // Nothing held any more: F_GETLK answers F_UNLCK (2).
      assertThat(LockProcess.once(f[1], "getlk")[0]).isEqualTo("2 0");
    }
  }

  @Test
  void aBlockedLockfProceedsWhenTheHolderOnTheOtherMountExits() throws Exception {
    Path[] f = newFile("wait");
    // The waiter starts only once the holder has the lock: started together, the waiter's request
    // can reach the leader first and rightly win the lock.
    try (LockProcess holder = LockProcess.python(f[0], "hold")) {
      assertThat(holder.line()).startsWith("held");
      try (LockProcess waiter = LockProcess.python(f[1], "wait")) {
        assertThat(waiter.line()).isEqualTo("waiting");
        if (!waiter.isAlive()) {
          throw new AssertionError("the waiter did not block: " + waiter.line() + " / exit " + waiter.exitCode());
        }
        holder.release();
        assertThat(waiter.line()).isEqualTo("locked");
        assertThat(waiter.exitCode()).isZero();
      }
    }
  }

  @Test
  void blockedWaitersOnTheHoldersOwnMountDoNotStallIt() throws Exception {
    // More waiters than the mount has FUSE workers: the holder's unlock must still get through.
    Path[] f = newFile("many");
    try (LockProcess holder = LockProcess.python(f[0], "hold")) {
      assertThat(holder.line()).startsWith("held");
      LockProcess[] waiters = new LockProcess[6];
      try {
        for (int i = 0; i < waiters.length; i++) {
          waiters[i] = LockProcess.python(f[0], "wait");
          assertThat(waiters[i].line()).isEqualTo("waiting");
        }
        assertThat(Files.readString(f[0])).isEqualTo("data");
        holder.release();
        for (LockProcess w : waiters) {
          assertThat(w.line()).isEqualTo("locked"); // each exits, handing the lock on
          assertThat(w.exitCode()).isZero();
        }
      } finally {
        for (LockProcess w : waiters) {
          if (w != null) {
            w.close();
          }
        }
      }
    }
  }

  @Test
  void killingTheHolderReleasesItsLocks() throws Exception {
    Path[] f = newFile("kill");
    try (LockProcess holder = LockProcess.python(f[1], "hold")) {
      assertThat(holder.line()).startsWith("held");
      assertThat(LockProcess.once(f[0], "try")[1]).isEqualTo("11");
      holder.kill();
      await().atMost(RELEASE_WITHIN).until(() -> LockProcess.once(f[0], "try")[0].equals("locked"));
    }
  }

  @Test
  void aSignalEndsABlockedLockWaitWithEintr() throws Exception {
    Path[] f = newFile("signal");
    try (LockProcess holder = LockProcess.python(f[0], "hold")) {
      assertThat(holder.line()).startsWith("held");
      assertThat(LockProcess.once(f[1], "interrupt")).containsExactly("interrupted", "0");
      assertThat(LockProcess.once(f[0], "interrupt")).containsExactly("interrupted", "0");
      // The holder still holds: the cancelled waits were not granted behind its back.
      assertThat(LockProcess.once(f[1], "getlk")[0]).isEqualTo("1 " + holder.pid());
    }
  }

  @Test
  void ofdLocksConflictAndDieWithTheirOpenFile() throws Exception {
    Path[] f = newFile("ofd");
    try (LockProcess holder = LockProcess.python(f[0], "hold-ofd")) {
      assertThat(holder.line()).startsWith("held");
      assertThat(LockProcess.once(f[1], "try")[1]).isEqualTo("11");
      holder.release();
      assertThat(holder.exitCode()).isZero();
      await().atMost(RELEASE_WITHIN).until(() -> LockProcess.once(f[1], "try")[0].equals("locked"));
    }
  }
}
