package io.stratafs.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.stratafs.common.ChunkFileFormat;
import io.stratafs.storage.DeviceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a chunk sync may let one device flush cover both files (ADR 027), and when it may not. */
class OneFlushSyncTest {
  private static final int BLOCK = ChunkFileFormat.DEFAULT_BLOCK_SIZE;
  private static final long CHUNK = 0x0fed_cba9_8765_4321L;

  @TempDir Path dir;
  private Device device;
  private OpenChunkCache cache;
  private OpenChunk oc;
  private boolean inPlace;

  @BeforeEach
  void open() throws IOException {
    device = Device.open("s1", new DeviceSpec("d0", "nvme", dir.resolve("d0")), 0);
    inPlace = Set.of("ext4", "xfs").contains(Files.getFileStore(dir).type());
    cache = new OpenChunkCache(4);
    oc = cache.acquire(device, CHUNK, true);
  }

  @AfterEach
  void close() {
    oc.release();
    cache.close();
  }

  @Test
  void theDeviceFlushesOnceOnFilesystemsThatOverwriteInPlace() {
    assertThat(device.syncsWithOneFlush()).isEqualTo(inPlace);
  }

  @Test
  void onlyRewritesOfChecksumsAFullSyncAllocatedShareTheDataFilesFlush() throws IOException {
    write(0, 3 * BLOCK);
    assertThat(WriteOp.force(oc)).as("the first sync of a new checksum file").isFalse();

    write(BLOCK, BLOCK);
    assertThat(WriteOp.force(oc)).as("a rewrite of synced checksums").isEqualTo(inPlace);
    write(100, 10);
    assertThat(WriteOp.force(oc)).as("a partial block rewrite").isEqualTo(inPlace);

    write(3 * BLOCK, BLOCK);
    assertThat(WriteOp.force(oc)).as("a write that grows the checksum file").isFalse();
    assertThat(WriteOp.force(oc)).as("the next sync, nothing new").isEqualTo(inPlace);

    TruncateOp.run(oc, BLOCK + 7, false);
    assertThat(WriteOp.force(oc)).as("the sync after a truncation").isFalse();
    write(0, BLOCK);
    assertThat(WriteOp.force(oc)).as("a rewrite after that sync").isEqualTo(inPlace);
  }

  @Test
  void everySyncedWriteReadsBackAfterTheStoreIsReopened() throws IOException {
    Random rnd = new Random(27);
    byte[] expected = new byte[8 * BLOCK];
    for (int i = 0; i < 200; i++) {
      int offset = rnd.nextInt(expected.length - 100);
      int length = 1 + rnd.nextInt(Math.min(2 * BLOCK, expected.length - offset));
      byte[] bytes = new byte[length];
      rnd.nextBytes(bytes);
      System.arraycopy(bytes, 0, expected, offset, length);
      ByteBuf buf = Unpooled.wrappedBuffer(bytes);
      try {
        WriteOp.run(oc, offset, buf, true);
      } finally {
        buf.release();
      }
    }
    long length = oc.data.size();
    oc.release();
    cache.close();

    cache = new OpenChunkCache(4);
    oc = cache.acquire(device, CHUNK, false);
    try (ReadResult r = ReadOp.run(oc, 0, (int) length, UnpooledByteBufAllocator.DEFAULT)) {
      byte[] actual = ByteBufUtil.getBytes(r.data());
      byte[] want = Arrays.copyOf(expected, (int) length);
      assertThat(actual).isEqualTo(want);
    }
    assertThat(TornWriteRecovery.repairChunk(device.dataPath(CHUNK), device.crcPath(CHUNK), device.checksums()))
        .as("checksums that disagree with the data")
        .isZero();
  }

  private void write(long offset, int length) throws IOException {
    byte[] bytes = new byte[length];
    new Random(offset * 31 + length).nextBytes(bytes);
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    try {
      WriteOp.run(oc, offset, buf, false);
    } finally {
      buf.release();
    }
  }
}
