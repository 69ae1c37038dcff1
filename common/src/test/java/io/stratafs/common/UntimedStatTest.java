package io.stratafs.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UntimedStatTest {
  @TempDir Path dir;

  @Test
  void reportsTheSizeOfAHeldFileAndMinusOneOnceItHasNoLink() throws IOException {
    Path p = Files.write(dir.resolve("f"), new byte[5_000]);
    int fd = ReadOnlyDescriptors.open(p);
    try {
      assertThat(UntimedStat.usesStatx()).as("statx exists on every Linux the tests run on").isTrue();
      assertThat(UntimedStat.size(fd)).isEqualTo(5_000);
      assertThat(UntimedStat.linkedSize(fd)).isEqualTo(5_000);
      Files.write(p, new byte[7_777]); // rewritten in place: same file, new size
      assertThat(UntimedStat.size(fd)).isEqualTo(7_777);
      Files.delete(p);
      Files.write(p, new byte[10]); // a new file under the old name
      assertThat(UntimedStat.linkedSize(fd)).isEqualTo(-1);
      assertThat(UntimedStat.size(fd)).as("size alone does not care about links").isEqualTo(7_777);
    } finally {
      ReadOnlyDescriptors.close(fd);
    }
  }

  @Test
  void aBadDescriptorIsAnIoExceptionNamingIt() {
    assertThatThrownBy(() -> UntimedStat.size(-1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("descriptor -1")
        .hasMessageContaining("errno 9"); // EBADF
  }
}
