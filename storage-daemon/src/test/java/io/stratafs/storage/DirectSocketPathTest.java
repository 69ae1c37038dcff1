package io.stratafs.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectSocketPathTest {
  @TempDir Path dir;

  @Test
  void aFreshRandomNameInTheDeviceAfterRemovingOldSocketsOnly() throws Exception {
    Path old = Files.writeString(dir.resolve("direct-0123456789abcdef.sock"), "");
    Path identity = Files.writeString(dir.resolve("STRATA_DEVICE"), "{}");
    Path chunks = Files.createDirectories(dir.resolve("chunks"));

    Path a = DirectSocketPath.choose(dir);
    Path b = DirectSocketPath.choose(dir);

    assertThat(a.getParent()).isEqualTo(dir.toAbsolutePath());
    assertThat(a.getFileName().toString()).matches("direct-[0-9a-f]{16}\\.sock");
    assertThat(b).as("random per start").isNotEqualTo(a);
    assertThat(old).doesNotExist();
    assertThat(identity).exists();
    assertThat(chunks).exists();
  }

  @Test
  void aPathTooLongForASocketGivesNone() throws Exception {
    Path deep = Files.createDirectories(dir.resolve("d".repeat(DirectSocketPath.MAX_PATH_BYTES)));
    assertThat(DirectSocketPath.choose(deep)).isNull();
  }
}
