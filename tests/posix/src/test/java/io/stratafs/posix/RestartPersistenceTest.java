package io.stratafs.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stratafs.testkit.FuseAvailability;
import io.stratafs.testkit.MiniCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Everything written before a full stop is there, identical, after the daemons start again. */
@Timeout(300)
class RestartPersistenceTest {
  @TempDir Path tmp;

  @Test
  void filesDirectoriesLinksAndXattrsSurviveARestart() throws Exception {
    assumeTrue(FuseAvailability.canMount(), FuseAvailability.reason());
    byte[] data = new byte[(5 << 20) + 333];
    new Random(9).nextBytes(data);
    try (MiniCluster c = MiniCluster.builder(tmp.resolve("c")).storageDaemons(2).start()) {
      Path mnt = c.mount(tmp.resolve("mnt"));
      Files.createDirectories(mnt.resolve("a/b"));
      Files.write(mnt.resolve("a/b/data.bin"), data);
      Files.createSymbolicLink(mnt.resolve("a/link"), Path.of("b/data.bin"));
      Files.createLink(mnt.resolve("a/hard"), mnt.resolve("a/b/data.bin"));
      Files.setAttribute(mnt.resolve("a/b"), "user:tag", "kept".getBytes());

      c.restart();
      mnt = c.mount(tmp.resolve("mnt"));

      assertThat(Arrays.equals(Files.readAllBytes(mnt.resolve("a/b/data.bin")), data)).isTrue();
      assertThat(Arrays.equals(Files.readAllBytes(mnt.resolve("a/link")), data)).isTrue();
      assertThat(Files.getAttribute(mnt.resolve("a/hard"), "unix:nlink")).isEqualTo(2);
      assertThat(new String((byte[]) Files.getAttribute(mnt.resolve("a/b"), "user:tag"))).isEqualTo("kept");
      // New files after a restart get fresh inode numbers, never reused ones.
      Path fresh = Files.createFile(mnt.resolve("a/fresh"));
      assertThat(Files.getAttribute(fresh, "unix:ino")).isNotEqualTo(Files.getAttribute(mnt.resolve("a/hard"), "unix:ino"));
    }
  }
}
