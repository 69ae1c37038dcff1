package io.stratafs.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stratafs.testkit.FuseAvailability;
import io.stratafs.testkit.MiniCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clients (two mounts, two sessions) of one filesystem: close-to-open consistency for data,
 * and namespace changes made through one visible through the other within the attribute timeout
 * (1 s by default). Also the documented refusal of POSIX ACLs.
 */
@Timeout(300)
class TwoClientTest {
  @TempDir static Path tmp;
  static MiniCluster cluster;
  static Path a;
  static Path b;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(FuseAvailability.canMount(), FuseAvailability.reason());
    cluster = MiniCluster.builder(tmp.resolve("c")).storageDaemons(2).start();
    a = cluster.mount(tmp.resolve("a"));
    b = cluster.mount(tmp.resolve("b"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void whatOneClientWroteAndClosedTheOtherReadsOnOpen() throws Exception {
    byte[] first = new byte[3 << 20];
    new Random(1).nextBytes(first);
    Files.write(a.resolve("shared.bin"), first);
    assertThat(Arrays.equals(Files.readAllBytes(b.resolve("shared.bin")), first)).isTrue();

    // A rewrites it, longer; B, which has it cached, reads the new bytes on its next open once
    // its cached attributes expire (the attribute timeout bounds how stale a size can be).
    byte[] second = new byte[(5 << 20) + 17];
    new Random(2).nextBytes(second);
    Files.write(a.resolve("shared.bin"), second);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(
        () -> assertThat(Arrays.equals(Files.readAllBytes(b.resolve("shared.bin")), second)).isTrue());
  }

  @Test
  void directoryChangesOnOneClientAppearOnTheOtherWithinTheAttributeTimeout() throws Exception {
    Path dirA = Files.createDirectory(a.resolve("d"));
    Files.writeString(dirA.resolve("one"), "1");
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> Files.exists(b.resolve("d/one")));
    Files.move(dirA.resolve("one"), dirA.resolve("two"));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> Files.exists(b.resolve("d/two")) && !Files.exists(b.resolve("d/one")));
    Files.delete(dirA.resolve("two"));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> !Files.exists(b.resolve("d/two")));
    try (var s = Files.list(b.resolve("d"))) {
      assertThat(s.count()).isZero();
    }
  }

  @Test
  void posixAclsAreRefusedWithEopnotsupp() throws Exception {
    Path f = Files.createFile(a.resolve("acl"));
    assumeTrue(Shell.has("setfacl"), "setfacl is not installed (scripts/test installs acl)");
    Shell.Result r = Shell.run(a, "setfacl", "-m", "u:1234:r", f.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.output()).contains("Operation not supported");
    // Plain mode bits still work after the refusal.
    Shell.ok(a, "chmod", "640", f.toString());
    assertThat(Shell.ok(a, "stat", "-c", "%a", f.toString()).trim()).isEqualTo("640");
  }
}
