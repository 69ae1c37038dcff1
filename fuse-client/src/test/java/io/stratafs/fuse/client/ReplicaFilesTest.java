package io.stratafs.fuse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stratafs.common.ChunkFileFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaFilesTest {
  @TempDir Path root;

  /** Writes chunk {@code id}'s two files where a device at {@code root} keeps them. */
  private void pair(long id, String data, String crc) throws Exception {
    Path dir = Files.createDirectories(ChunkFileFormat.chunkDir(root, id));
    String stem = ChunkFileFormat.stem(id);
    Files.writeString(dir.resolve(stem + ChunkFileFormat.DATA_SUFFIX), data);
    Files.writeString(dir.resolve(stem + ChunkFileFormat.CRC_SUFFIX), crc);
  }

  private Path crcPath(long id) {
    return ChunkFileFormat.chunkDir(root, id).resolve(ChunkFileFormat.stem(id) + ChunkFileFormat.CRC_SUFFIX);
  }

  private static String content(int fd, int length) throws Exception {
    ByteBuffer buf = ByteBuffer.allocateDirect(length);
    assertThat(PosixFiles.readFully(fd, buf, 0)).isTrue();
    byte[] bytes = new byte[length];
    buf.flip().get(bytes);
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  @Test
  void theSameFilesAreReusedAndReplacedOnesReopened() throws Exception {
    try (ReplicaFiles files = new ReplicaFiles(8)) {
      pair(1, "data a", "crc a");
      ReplicaFiles.Open first;
      try (ReplicaFiles.Lease lease = files.get(root, 1)) {
        first = lease.files();
        assertThat(lease.dataSize()).isEqualTo("data a".length());
      }
      try (ReplicaFiles.Lease again = files.get(root, 1)) {
        assertThat(again.files()).isSameAs(first);
      }
      Files.delete(crcPath(1));
      Files.writeString(crcPath(1), "another crc file"); // a new inode behind the same path
      try (ReplicaFiles.Lease second = files.get(root, 1)) {
        assertThat(second.files()).isNotSameAs(first);
        assertThat(first.isOpen()).isFalse();
        assertThat(content(second.crc(), "another crc file".length())).isEqualTo("another crc file");
      }
    }
  }

  @Test
  void missingFilesAreReportedAndTheCacheStaysWithinItsCapacity() throws Exception {
    try (ReplicaFiles files = new ReplicaFiles(2)) {
      assertThatThrownBy(() -> files.get(root, 99)).isInstanceOf(NoSuchFileException.class);
      for (long id = 1; id <= 4; id++) {
        pair(id, "data " + id, "crc " + id);
        try (ReplicaFiles.Lease lease = files.get(root, id)) {
          assertThat(lease.files().isOpen()).isTrue();
        }
      }
      assertThat(files.size()).isLessThanOrEqualTo(2);
    }
  }

  @Test
  void filesEvictedOrClosedDuringAReadStayOpenUntilTheReadLetsGo() throws Exception {
    ReplicaFiles files = new ReplicaFiles(1);
    pair(1, "data one", "crc one");
    pair(2, "data two", "crc two");
    ReplicaFiles.Lease reading = files.get(root, 1);
    files.get(root, 2).close(); // evicts chunk 1 from the cache while it is being read
    files.close();
    assertThat(reading.files().isOpen()).as("still held by the read").isTrue();
    assertThat(content(reading.data(), 8)).isEqualTo("data one");
    reading.close();
    assertThat(reading.files().isOpen()).isFalse();
    assertThat(files.size()).isZero();
  }
}
