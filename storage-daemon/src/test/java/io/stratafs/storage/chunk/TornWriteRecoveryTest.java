package io.stratafs.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.stratafs.common.ChunkFileFormat;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.storage.DeviceSpec;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed between a write's data and its CRC leaves a block that disagrees with its CRC;
 * the next open repairs it. After a clean close nothing is repaired: a disagreeing block is
 * corruption and stays CORRUPT.
 */
class TornWriteRecoveryTest {
  private static final int BLOCK = ChunkFileFormat.DEFAULT_BLOCK_SIZE;
  private static final long CHUNK = 42;

  @TempDir Path dir;

  private ChunkStore open() {
    return ChunkStore.open("s1", List.of(new DeviceSpec("d0", "nvme", dir.resolve("d0"))), 0);
  }

  private static void write(ChunkStore store, byte[] bytes) {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    try {
      store.write(CHUNK, "d0", 0, buf, true);
    } finally {
      buf.release();
    }
  }

  private static byte[] read(ChunkStore store, int length) {
    try (ReadResult r = store.read(CHUNK, "d0", 0, length)) {
      return ByteBufUtil.getBytes(r.data());
    }
  }

  /** What a crash between the data write and the CRC write leaves: new bytes, old CRC. */
  private static void tearBlock(Path data, int block, byte[] expected) throws Exception {
    byte[] newer = new byte[100];
    Arrays.fill(newer, (byte) 7);
    try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(newer), (long) block * BLOCK + 10);
    }
    System.arraycopy(newer, 0, expected, block * BLOCK + 10, newer.length);
  }

  @Test
  void aCrashBetweenDataAndChecksumIsRepairedAtTheNextOpen() throws Exception {
    byte[] bytes = new byte[3 * BLOCK + 500];
    new Random(1).nextBytes(bytes);
    ChunkStore crashed = open();
    write(crashed, bytes);
    Path data = crashed.chunkPath(CHUNK, "d0");
    tearBlock(data, 1, bytes);
    assertThatThrownBy(() -> read(crashed, bytes.length))
        .satisfies(e -> assertThat(StrataException.codeOf(e)).isEqualTo(StatusCode.CORRUPT));
    // No close: the process died. The device still carries its in-use mark.
    assertThat(dir.resolve("d0").resolve(TornWriteRecovery.MARK_FILE)).exists();

    try (ChunkStore restarted = open()) {
      assertThat(read(restarted, bytes.length)).isEqualTo(bytes);
    }
    assertThat(dir.resolve("d0").resolve(TornWriteRecovery.MARK_FILE)).doesNotExist();
  }

  @Test
  void afterACleanCloseADisagreeingBlockStaysCorrupt() throws Exception {
    byte[] bytes = new byte[2 * BLOCK];
    new Random(2).nextBytes(bytes);
    Path data;
    try (ChunkStore store = open()) {
      write(store, bytes);
      data = store.chunkPath(CHUNK, "d0");
    }
    tearBlock(data, 0, bytes);
    try (ChunkStore reopened = open()) {
      assertThatThrownBy(() -> read(reopened, bytes.length))
          .satisfies(e -> assertThat(StrataException.codeOf(e)).isEqualTo(StatusCode.CORRUPT));
    }
    assertThat(Files.exists(data)).isTrue();
  }

  /** Repair reads the data in 1 MiB spans: a torn block past the first span and a lost tail are both found. */
  @Test
  void repairFindsATornBlockInALaterSpanAndRewritesLostEntries() throws Exception {
    byte[] bytes = new byte[(3 << 20) + 123]; // three 1 MiB spans and a partial block
    new Random(3).nextBytes(bytes);
    Path data;
    try (ChunkStore store = open()) {
      write(store, bytes);
      data = store.chunkPath(CHUNK, "d0");
    }
    Path crc = data.resolveSibling(ChunkStore.hex(CHUNK) + ChunkFileFormat.CRC_SUFFIX);
    int blocks = (bytes.length + BLOCK - 1) / BLOCK;
    tearBlock(data, 300, bytes); // in the second span
    try (FileChannel ch = FileChannel.open(crc, StandardOpenOption.WRITE)) {
      ch.truncate((long) (blocks - 5) * ChunkFileFormat.CRC_ENTRY_BYTES); // the last five entries lost
    }

    long fixed = TornWriteRecovery.repairChunk(data, crc, new BlockChecksums(BLOCK));

    assertThat(fixed).isEqualTo(1 + 5);
    assertThat(Files.size(crc)).isEqualTo((long) blocks * ChunkFileFormat.CRC_ENTRY_BYTES);
    assertThat(TornWriteRecovery.repairChunk(data, crc, new BlockChecksums(BLOCK))).as("nothing left to fix").isZero();
    try (ChunkStore reopened = open()) {
      assertThat(read(reopened, bytes.length)).isEqualTo(bytes);
    }
  }
}
