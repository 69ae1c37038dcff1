package io.stratafs.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stratafs.testkit.FuseAvailability;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * fsync means durable: a cluster started by {@code strata up} (separate processes) runs a workload
 * that writes files and fsyncs some of them and their directories, while sqlite3 commits
 * transactions in WAL mode; then every StrataFS process is killed with SIGKILL mid-workload and
 * {@code strata up} starts them again. Every byte that was fsynced, every fsynced directory entry
 * (new files, renames) and every committed SQLite transaction must be there, and the database must
 * pass its integrity check.
 */
@Timeout(600)
class CrashDurabilityTest {
  private static final int SQLITE_TRANSACTIONS = 20_000;

  @TempDir Path tmp;

  /** Path on the mount → the exact bytes the file started with at its last completed fsync. */
  private final Map<Path, byte[]> durable = new ConcurrentHashMap<>();

  @Test
  void everythingFsyncedSurvivesKillMinusNineOfEveryProcess() throws Exception {
    assumeTrue(FuseAvailability.canMount(), FuseAvailability.reason());
    assumeTrue(Shell.has("sqlite3"), "sqlite3 is not installed");
    StrataCli strata = new StrataCli(tmp.resolve("data"), tmp.resolve("mnt"));
    strata.up("--storage", "2", "--chunk-size", "1M");
    try {
      Path mnt = strata.mount();
      Path work = Files.createDirectories(mnt.resolve("work"));
      fsyncDir(mnt);

      Path db = mnt.resolve("crash.db");
      Path script = writeSqliteScript();
      Path sqliteOut = tmp.resolve("sqlite.out");
      Process sqlite =
          new ProcessBuilder("sqlite3", db.toString())
              .redirectInput(script.toFile())
              .redirectErrorStream(true)
              .redirectOutput(sqliteOut.toFile())
              .start();

      AtomicBoolean stop = new AtomicBoolean();
      Thread writer = Thread.ofPlatform().name("crash-workload").start(() -> workload(work, stop));
      await("fsynced files and SQLite commits before the crash")
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> durable.size() >= 24 && sizeOrZero(mnt.resolve("crash.db-wal")) > 256 << 10);

      strata.killAll(); // mid-workload: the writer and sqlite3 are still running
      stop.set(true);
      writer.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(writer.isAlive()).as("workload thread ended after the crash").isFalse();
      assertThat(sqlite.waitFor(60, TimeUnit.SECONDS)).as("sqlite3 ended after the crash").isTrue();
      List<String> committed =
          Files.readAllLines(sqliteOut, StandardCharsets.UTF_8).stream()
              .filter(l -> l.matches("\\d+"))
              .toList();
      int lastCommitted = committed.isEmpty() ? 0 : Integer.parseInt(committed.getLast());
      assertThat(lastCommitted).as("sqlite3 committed transactions before the crash").isPositive();
      Map<Path, byte[]> expected = Map.copyOf(durable);

      strata.up();

      for (Map.Entry<Path, byte[]> e : expected.entrySet()) {
        assertThat(e.getKey()).as("fsynced file").exists();
        byte[] now = Files.readAllBytes(e.getKey());
        byte[] want = e.getValue();
        assertThat(now.length).as("length of %s", e.getKey()).isGreaterThanOrEqualTo(want.length);
        assertThat(Arrays.equals(now, 0, want.length, want, 0, want.length))
            .as("fsynced bytes of %s", e.getKey())
            .isTrue();
      }
      String check =
          Shell.ok(
              tmp,
              "sqlite3",
              db.toString(),
              "PRAGMA integrity_check; SELECT count(*) FROM t WHERE id <= " + lastCommitted
                  + "; SELECT count(*) = max(id) FROM t;");
      assertThat(check.lines().toList()).containsExactly("ok", Integer.toString(lastCommitted), "1");
      System.out.printf(
          "crash test: %d fsynced files verified byte for byte; SQLite: %d transactions committed"
              + " before kill -9, all present, integrity ok%n",
          expected.size(), lastCommitted);
    } finally {
      strata.down();
    }
  }

  /**
   * Until the mount goes away: files written in pieces (overwrites only before their first fsync,
   * appends after), fsynced with their directory; every third one written under a temporary
   * name, fsynced, renamed into place and the directory fsynced (the atomic-replace pattern).
   */
  private void workload(Path work, AtomicBoolean stop) {
    Random rnd = new Random(42);
    try {
      for (int i = 0; !stop.get(); i++) {
        Path dir = work.resolve("d" + (i % 4));
        if (!Files.isDirectory(dir)) {
          Files.createDirectory(dir);
          fsyncDir(work);
        }
        if (i % 3 == 2) {
          Path tmpFile = dir.resolve("tmp-" + i);
          byte[] content = random(rnd, 1 + rnd.nextInt(300_000));
          try (FileChannel ch = FileChannel.open(tmpFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeAt(ch, 0, content);
            ch.force(true);
          }
          Path target = dir.resolve("renamed-" + i);
          Files.move(tmpFile, target, StandardCopyOption.ATOMIC_MOVE);
          fsyncDir(dir);
          durable.put(target, content);
          continue;
        }
        Path file = dir.resolve("f-" + i);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          byte[] content = random(rnd, 1 + rnd.nextInt(1_500_000));
          writeAt(ch, 0, content);
          // An overwrite inside what is written, still before the first fsync.
          int at = rnd.nextInt(content.length);
          byte[] patch = random(rnd, Math.min(content.length - at, 1 + rnd.nextInt(100_000)));
          writeAt(ch, at, patch);
          System.arraycopy(patch, 0, content, at, patch.length);
          if (rnd.nextBoolean()) {
            ch.force(false); // fdatasync
          } else {
            ch.force(true);
          }
          fsyncDir(dir);
          durable.put(file, content.clone());
          // Appends after the fsync: some fsynced again, the last ones maybe lost in the crash.
          for (int k = 0; k < 2; k++) {
            byte[] more = random(rnd, 1 + rnd.nextInt(700_000));
            writeAt(ch, content.length, more);
            content = concat(content, more);
            if (rnd.nextBoolean()) {
              ch.force(true);
              durable.put(file, content.clone());
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // The crash: the mount went away under us. Anything not recorded was never fsynced.
    }
  }

  private static Path fsyncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
    return dir;
  }

  private static void writeAt(FileChannel ch, long pos, byte[] data) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(data);
    while (b.hasRemaining()) {
      pos += ch.write(b, pos);
    }
  }

  private static byte[] random(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static long sizeOrZero(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * One transaction per insert, each followed by a SELECT of its id: sqlite3 prints an id only after
   * its COMMIT returned, so every printed id is a committed transaction. {@code .bail on} ends
   * sqlite3 at the first error (the crash), flushing what it printed.
   */
  private Path writeSqliteScript() throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(".bail on\n");
    sb.append("PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n");
    sb.append("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);\n");
    for (int i = 1; i <= SQLITE_TRANSACTIONS; i++) {
      sb.append("BEGIN; INSERT INTO t VALUES(").append(i).append(", randomblob(300)); COMMIT; SELECT ")
          .append(i).append(";\n");
    }
    return Files.writeString(tmp.resolve("sqlite.sql"), sb.toString());
  }
}
