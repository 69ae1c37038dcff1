package io.stratafs.fuse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stratafs.common.ReadOnlyDescriptors;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosixFilesTest {
  @TempDir Path dir;

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 7 + 3);
    }
    return b;
  }

  @Test
  void readsIntoADirectBufferFromItsPositionAndStopsAtTheEnd() throws Exception {
    Path p = Files.write(dir.resolve("f"), bytes(10_000));
    int fd = ReadOnlyDescriptors.open(p);
    try {
      ByteBuffer buf = ByteBuffer.allocateDirect(8_192);
      buf.position(100).limit(4_196);
      assertThat(PosixFiles.readFully(fd, buf, 5_000)).isTrue();
      assertThat(buf.position()).isEqualTo(4_196);
      for (int i = 0; i < 4_096; i++) {
        assertThat(buf.get(100 + i)).isEqualTo(bytes(10_000)[5_000 + i]);
      }
      assertThat(buf.get(99)).as("before the position: untouched").isZero();
      assertThat(PosixFiles.readFully(fd, ByteBuffer.allocateDirect(4_096), 8_000)).as("past the end").isFalse();

      byte[] small = new byte[4];
      assertThat(PosixFiles.read(fd, small, 12)).isTrue();
      assertThat(small).containsExactly(bytes(16)[12], bytes(16)[13], bytes(16)[14], bytes(16)[15]);
      assertThat(PosixFiles.read(fd, small, 9_998)).as("only two bytes left").isFalse();
    } finally {
      ReadOnlyDescriptors.close(fd);
    }
  }

  @Test
  void aHeldFileReportsItsSizeUntilItIsDeleted() throws Exception {
    Path p = Files.write(dir.resolve("f"), bytes(1_234));
    int fd = ReadOnlyDescriptors.open(p);
    try {
      assertThat(PosixFiles.linkedSize(fd)).isEqualTo(1_234);
      Files.delete(p);
      Files.write(p, bytes(10)); // a new file under the old name
      assertThat(PosixFiles.linkedSize(fd)).isEqualTo(-1);
    } finally {
      ReadOnlyDescriptors.close(fd);
    }
    assertThatThrownBy(() -> ReadOnlyDescriptors.open(dir.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
  }
}
