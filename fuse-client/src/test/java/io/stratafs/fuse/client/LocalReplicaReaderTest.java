package io.stratafs.fuse.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.storage.DeviceSpec;
import io.stratafs.storage.chunk.ChunkStore;
import io.stratafs.storage.chunk.Device;
import io.stratafs.common.ChunkFileFormat;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short-circuit reads against chunk files a real {@link ChunkStore} wrote: the same bytes as the
 * daemon would return, and NOT_SERVED (never other bytes) whenever something is off.
 */
class LocalReplicaReaderTest {
  private static final long CHUNK = 0x1234;
  private static final int SIZE = 300_000; // 74 blocks of 4 KiB (or five of 64 KiB), the last one partial

  @TempDir Path dir;
  private ChunkStore store;
  private Device device;
  private byte[] content;
  private LocalReplicaReader reader;

  @BeforeEach
  void writeAChunk() {
    store = ChunkStore.open("s1", List.of(new DeviceSpec("d0", "nvme", dir.resolve("d0"))), 0);
    device = store.devices().getFirst();
    content = new byte[SIZE];
    new Random(7).nextBytes(content);
    store.write(CHUNK, "d0", 0, Unpooled.wrappedBuffer(content), true);
    reader = new LocalReplicaReader((storage, dev) -> storage.equals("s1") && dev.equals("d0") ? Optional.of(device.root().toString()) : Optional.empty());
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Replica replica(long incarnation) {
    return Replica.newBuilder().setStorageId("s1").setDevice("d0").setAddress("127.0.0.1:1").setIncarnation(incarnation).build();
  }

  private static ChunkInfo chunk(long id) {
    return ChunkInfo.newBuilder().setChunkId(id).setVersion(1).build();
  }

  @Test
  void readsTheSameBytesTheDaemonWouldAcrossBlocksAndShortAtTheEnd() {
    for (long[] range : new long[][] {{0, 4096}, {65_000, 2_000}, {100, 250_000}, {SIZE - 10, 4096}, {SIZE, 10}}) {
      ByteBuffer dst = ByteBuffer.allocate((int) range[1]);
      int n = reader.tryRead(chunk(CHUNK), replica(device.incarnation()), range[0], dst);
      int expected = (int) Math.max(0, Math.min(range[1], SIZE - range[0]));
      assertThat(n).as("bytes at %d", range[0]).isEqualTo(expected);
      assertThat(dst.position()).as("position untouched").isZero();
      assertThat(Arrays.copyOf(dst.array(), n))
          .isEqualTo(Arrays.copyOfRange(content, (int) Math.min(range[0], SIZE), (int) Math.min(range[0], SIZE) + n));
    }
  }

  /** The kernel's page-aligned reads land in the direct reply buffer in place, at its position. */
  @Test
  void aBlockAlignedReadIntoADirectBufferIsReadInPlaceAndAnUnalignedOneIsCopied() throws Exception {
    for (long[] range : new long[][] {{0, 4096}, {8192, 262_144}, {4096, SIZE}, {100, 5000}, {SIZE - 10, 4096}}) {
      ByteBuffer dst = ByteBuffer.allocateDirect((int) range[1] + 64).position(64);
      int n = reader.tryRead(chunk(CHUNK), replica(device.incarnation()), range[0], dst);
      int expected = (int) Math.min(range[1], SIZE - range[0]);
      assertThat(n).as("bytes at %d", range[0]).isEqualTo(expected);
      assertThat(dst.position()).as("position untouched").isEqualTo(64);
      byte[] got = new byte[n];
      dst.get(64, got);
      assertThat(got).isEqualTo(Arrays.copyOfRange(content, (int) range[0], (int) range[0] + n));
      for (int i = 0; i < 64; i++) {
        assertThat(dst.get(i)).as("byte %d before the position", i).isZero();
      }
    }
    flipByte(store.chunkPath(CHUNK, "d0"), 70_000);
    ByteBuffer dst = ByteBuffer.allocateDirect(65_536);
    assertThat(reader.tryRead(chunk(CHUNK), replica(device.incarnation()), 65_536, dst)).isEqualTo(LocalReplicaReader.NOT_SERVED);
  }

  private static void flipByte(Path file, long position) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(position);
      int b = raf.read();
      raf.seek(position);
      raf.write(b ^ 1);
    }
  }

  @Test
  void aFlippedByteIsNotServedSoTheDaemonAnswersAndReportsIt() throws Exception {
    flipByte(store.chunkPath(CHUNK, "d0"), 70_000);
    ByteBuffer dst = ByteBuffer.allocate(8192);
    assertThat(reader.tryRead(chunk(CHUNK), replica(device.incarnation()), 66_000, dst)).isEqualTo(LocalReplicaReader.NOT_SERVED);
    assertThat(reader.tryRead(chunk(CHUNK), replica(device.incarnation()), 0, dst)).as("other blocks still fine").isEqualTo(8192);
  }

  @Test
  void aReplicaDeletedAndWrittenAgainIsReadAfreshNotFromTheFilesHeldOpen() {
    ByteBuffer dst = ByteBuffer.allocate(4096);
    assertThat(reader.tryRead(chunk(CHUNK), replica(device.incarnation()), 0, dst)).isEqualTo(4096);
    assertThat(Arrays.copyOf(dst.array(), 4096)).isEqualTo(Arrays.copyOf(content, 4096));
    byte[] again = new byte[SIZE];
    new Random(8).nextBytes(again);
    store.delete(CHUNK, "d0"); // the reader still holds the old files open
    store.write(CHUNK, "d0", 0, Unpooled.wrappedBuffer(again), true);
    dst.clear();
    assertThat(reader.tryRead(chunk(CHUNK), replica(device.incarnation()), 0, dst)).isEqualTo(4096);
    assertThat(Arrays.copyOf(dst.array(), 4096)).isEqualTo(Arrays.copyOf(again, 4096));
    store.delete(CHUNK, "d0");
    assertThat(reader.tryRead(chunk(CHUNK), replica(device.incarnation()), 0, dst)).isEqualTo(LocalReplicaReader.NOT_SERVED);
    reader.close();
  }

  @Test
  void anotherIncarnationAnUnknownDaemonOrAMissingChunkIsNotServed() {
    ByteBuffer dst = ByteBuffer.allocate(4096);
    assertThat(reader.tryRead(chunk(CHUNK), replica(device.incarnation() + 1), 0, dst)).isEqualTo(LocalReplicaReader.NOT_SERVED);
    assertThat(reader.tryRead(chunk(CHUNK), replica(0), 0, dst)).isEqualTo(LocalReplicaReader.NOT_SERVED);
    Replica elsewhere = replica(device.incarnation()).toBuilder().setStorageId("s2").build();
    assertThat(reader.tryRead(chunk(CHUNK), elsewhere, 0, dst)).isEqualTo(LocalReplicaReader.NOT_SERVED);
    assertThat(reader.tryRead(chunk(CHUNK + 1), replica(device.incarnation()), 0, dst)).isEqualTo(LocalReplicaReader.NOT_SERVED);
  }

  /** A device whose identity names no block size was written with 64 KiB blocks, and is read so. */
  @Test
  void aDeviceWithTheEarlierSixtyFourKibLayoutIsReadWithItsOwnBlocks() throws Exception {
    store.close();
    Path legacy = dir.resolve("legacy");
    Files.createDirectories(legacy);
    Files.writeString(
        legacy.resolve(ChunkFileFormat.IDENTITY_FILE),
        "{\"storageId\":\"s1\",\"device\":\"d0\",\"media\":\"nvme\",\"createdAtMs\":1}");
    store = ChunkStore.open("s1", List.of(new DeviceSpec("d0", "nvme", legacy)), 0);
    store.write(CHUNK, "d0", 0, Unpooled.wrappedBuffer(content), true);
    LocalReplicaReader legacyReader = new LocalReplicaReader((storage, dev) -> Optional.of(legacy.toString()));
    for (long[] range : new long[][] {{0, 4096}, {65_000, 2_000}, {100, 250_000}, {SIZE - 10, 4096}}) {
      ByteBuffer dst = ByteBuffer.allocate((int) range[1]);
      int n = legacyReader.tryRead(chunk(CHUNK), replica(1), range[0], dst);
      assertThat(n).as("bytes at %d", range[0]).isEqualTo((int) Math.min(range[1], SIZE - range[0]));
      assertThat(Arrays.copyOf(dst.array(), n)).isEqualTo(Arrays.copyOfRange(content, (int) range[0], (int) range[0] + n));
    }
    // 70,000 and 120,000 share a 64 KiB block (not a 4 KiB one): the flip fails the far read.
    flipByte(store.chunkPath(CHUNK, "d0"), 70_000);
    ByteBuffer dst = ByteBuffer.allocate(4096);
    assertThat(legacyReader.tryRead(chunk(CHUNK), replica(1), 120_000, dst)).isEqualTo(LocalReplicaReader.NOT_SERVED);
    assertThat(legacyReader.tryRead(chunk(CHUNK), replica(1), 0, dst)).isEqualTo(4096);
    legacyReader.close();
  }
}
