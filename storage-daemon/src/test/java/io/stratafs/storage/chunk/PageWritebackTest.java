package io.stratafs.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stratafs.common.ReadOnlyDescriptors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageWritebackTest {
  @TempDir Path dir;

  @Test
  void writesBackPagesWrittenThroughAnotherDescriptorOfTheFile() throws IOException {
    Path file = dir.resolve("f");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
      int fd = ReadOnlyDescriptors.open(file);
      try {
        PageWriteback.start(fd);
        PageWriteback.await(fd);
        PageWriteback.await(fd); // nothing left to write is not an error
      } finally {
        ReadOnlyDescriptors.close(fd);
      }
    }
    assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
  }

  @Test
  void aMissingFileIsNoSuchFile() {
    assertThatThrownBy(() -> ReadOnlyDescriptors.open(dir.resolve("missing")))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("missing");
  }

  @Test
  void aClosedDescriptorFailsWithItsErrno() throws IOException {
    Path file = Files.writeString(dir.resolve("f"), "x");
    int fd = ReadOnlyDescriptors.open(file);
    ReadOnlyDescriptors.close(fd);
    assertThatThrownBy(() -> PageWriteback.await(fd))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("errno 9");
  }
}
