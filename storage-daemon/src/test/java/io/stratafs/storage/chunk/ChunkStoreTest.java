package io.stratafs.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.stratafs.common.Faults;
import io.stratafs.common.ChunkFileFormat;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.storage.DeviceSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkStoreTest {
  private static final int BLOCK = ChunkFileFormat.DEFAULT_BLOCK_SIZE;
  private static final long CHUNK = 0x1234_5678_9abc_def0L;

  @TempDir Path dir;
  private ChunkStore store;

  @BeforeEach
  void open() {
    store = openStore("s1", 0);
  }

  @AfterEach
  void close() {
    store.close();
    Faults.disarmAll();
  }

  private ChunkStore openStore(String storageId, long reserve) {
    return ChunkStore.open(storageId, List.of(new DeviceSpec("d0", "nvme", dir.resolve("d0"))), reserve);
  }

  private long write(long offset, byte[] bytes) {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    try {
      return store.write(CHUNK, "d0", offset, buf, false);
    } finally {
      buf.release();
    }
  }

  private byte[] read(long offset, int length) {
    try (ReadResult r = store.read(CHUNK, "d0", offset, length)) {
      return ByteBufUtil.getBytes(r.data());
    }
  }

  private static byte[] randomBytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  /** A write split over a composite of direct and heap parts, as the RPC layer may hand us. */
  private static ByteBuf composite(byte[] bytes) {
    CompositeByteBuf c = Unpooled.compositeBuffer();
    int half = bytes.length / 2;
    ByteBuf direct = Unpooled.directBuffer(half);
    direct.writeBytes(bytes, 0, half);
    c.addComponent(true, direct);
    c.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, half, bytes.length)));
    return c;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 42, 20261121})
  void randomWritesAndTruncatesMatchAReferenceArray(long seed) throws IOException {
    Random rnd = new Random(seed);
    int max = 12 * BLOCK + 777;
    byte[] ref = new byte[max];
    int length = 0;
    for (int op = 0; op < 40; op++) {
      if (rnd.nextInt(8) == 0) {
        int newLength = rnd.nextInt(max);
        store.truncate(CHUNK, "d0", newLength, rnd.nextBoolean());
        if (newLength < length) {
          Arrays.fill(ref, newLength, length, (byte) 0);
        }
        length = newLength;
      } else {
        int offset = rnd.nextInt(max - 1);
        int n = 1 + rnd.nextInt(Math.min(max - offset, 3 * BLOCK));
        byte[] bytes = randomBytes(rnd, n);
        ByteBuf buf = rnd.nextBoolean() ? Unpooled.wrappedBuffer(bytes) : composite(bytes);
        try {
          long reported = store.write(CHUNK, "d0", offset, buf, rnd.nextInt(4) == 0);
          assertThat(buf.readableBytes()).as("write must not consume the buffer").isEqualTo(n);
          System.arraycopy(bytes, 0, ref, offset, n);
          length = Math.max(length, offset + n);
          assertThat(reported).isEqualTo(length);
        } finally {
          buf.release();
        }
      }
      assertFilesHoldLength(length, op);
      int ro = rnd.nextInt(max);
      int rl = rnd.nextInt(2 * BLOCK);
      byte[] got = read(ro, rl);
      int expectedLen = Math.max(0, Math.min(rl, length - ro));
      assertThat(got).as("op %d read %d+%d", op, ro, rl).isEqualTo(Arrays.copyOfRange(ref, ro, ro + expectedLen));
    }
    assertThat(read(0, max)).isEqualTo(Arrays.copyOf(ref, length));

    store.close();
    store = openStore("s1", 0);
    assertThat(read(0, max)).as("after reopening").isEqualTo(Arrays.copyOf(ref, length));
    assertThat(store.usage().getFirst().usedBytes()).isEqualTo(length);
  }

  /** The lengths the open chunk keeps instead of asking the files (ADR 029) are the files' own. */
  private void assertFilesHoldLength(long length, int op) throws IOException {
    Device d = store.devices().getFirst();
    assertThat(Files.size(d.dataPath(CHUNK))).as("op %d data file", op).isEqualTo(length);
    long blocks = (length + BLOCK - 1) / BLOCK;
    assertThat(Files.size(d.crcPath(CHUNK))).as("op %d checksum file", op).isEqualTo(blocks * 4);
  }

  @Test
  void aFailedOperationLetsTheNextLearnTheLengthsFromTheFiles() throws IOException {
    byte[] bytes = randomBytes(new Random(5), 3 * BLOCK);
    write(0, bytes);
    Path data = store.devices().getFirst().dataPath(CHUNK);
    try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
      ch.truncate(BLOCK); // behind the daemon's back, as a damaged disk might
    }
    assertThatThrownBy(() -> read(0, 3 * BLOCK))
        .as("the open chunk still believes in three blocks")
        .satisfies(e -> assertThat(StrataException.codeOf(e)).isEqualTo(StatusCode.IO_ERROR));
    assertThat(read(0, 3 * BLOCK)).as("reopened: one block").isEqualTo(Arrays.copyOf(bytes, BLOCK));
  }

  @Test
  void sparseHolesReadAsZeros() {
    byte[] tail = {1, 2, 3};
    long offset = 5L * BLOCK + 100;
    assertThat(write(offset, tail)).isEqualTo(offset + 3);
    assertThat(read(0, 2 * BLOCK)).isEqualTo(new byte[2 * BLOCK]);
    byte[] around = read(offset - 10, 100);
    assertThat(around).hasSize(13);
    assertThat(Arrays.copyOfRange(around, 10, 13)).isEqualTo(tail);
    try (ReadResult r = store.read(CHUNK, "d0", offset + 3, 10)) {
      assertThat(r.data().readableBytes()).isZero();
      assertThat(r.chunkLength()).isEqualTo(offset + 3);
    }
  }

  @Test
  void truncateDownThenUpReadsZerosBeyondTheCut() {
    Random rnd = new Random(7);
    byte[] bytes = randomBytes(rnd, 3 * BLOCK);
    write(0, bytes);
    int cut = BLOCK + 1000;
    assertThat(store.truncate(CHUNK, "d0", cut, true)).isEqualTo(cut);
    assertThat(read(0, 4 * BLOCK)).isEqualTo(Arrays.copyOf(bytes, cut));
    assertThat(store.truncate(CHUNK, "d0", 4L * BLOCK, false)).isEqualTo(4L * BLOCK);
    byte[] expected = new byte[4 * BLOCK];
    System.arraycopy(bytes, 0, expected, 0, cut);
    assertThat(read(0, 4 * BLOCK)).isEqualTo(expected);
    // A partial write into the regrown block keeps the zeros around it.
    write(cut + 10, new byte[] {9});
    expected[cut + 10] = 9;
    assertThat(read(0, 4 * BLOCK)).isEqualTo(expected);
  }

  @Test
  void flippedByteIsCorruptOnlyForItsBlock() throws IOException {
    byte[] bytes = randomBytes(new Random(3), 4 * BLOCK);
    write(0, bytes);
    Path file = store.chunkPath(CHUNK, "d0");
    flipByte(file, 2L * BLOCK + 17);

    assertThatThrownBy(() -> read(2L * BLOCK + 100, 10))
        .isInstanceOf(StrataException.class)
        .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(StatusCode.CORRUPT))
        .hasMessageContaining(ChunkStore.hex(CHUNK))
        .hasMessageContaining("block 2")
        .hasMessageContaining(file.toString());
    assertThatThrownBy(() -> read(0, 4 * BLOCK)).hasMessageContaining("block 2");
    assertThat(read(0, 2 * BLOCK)).isEqualTo(Arrays.copyOf(bytes, 2 * BLOCK));
    assertThat(read(3L * BLOCK, BLOCK)).isEqualTo(Arrays.copyOfRange(bytes, 3 * BLOCK, 4 * BLOCK));
    // A partial write must not re-checksum (launder) the corrupt block.
    assertThatThrownBy(() -> write(2L * BLOCK + 5, new byte[] {1}))
        .satisfies(e -> assertThat(StrataException.codeOf(e)).isEqualTo(StatusCode.CORRUPT));
    // Overwriting the whole block repairs it.
    write(2L * BLOCK, Arrays.copyOfRange(bytes, 2 * BLOCK, 3 * BLOCK));
    assertThat(read(0, 4 * BLOCK)).isEqualTo(bytes);
  }

  @Test
  void lostChecksumsAreCorruptNotHoles() throws IOException {
    write(0, randomBytes(new Random(5), 2 * BLOCK));
    Path crc = store.chunkPath(CHUNK, "d0").resolveSibling(ChunkStore.hex(CHUNK) + ".crc");
    store.close();
    try (FileChannel ch = FileChannel.open(crc, StandardOpenOption.WRITE)) {
      ch.truncate(4);
    }
    store = openStore("s1", 0);
    assertThat(read(0, BLOCK)).hasSize(BLOCK);
    assertThatThrownBy(() -> read(BLOCK, 1))
        .satisfies(e -> assertThat(StrataException.codeOf(e)).isEqualTo(StatusCode.CORRUPT))
        .hasMessageContaining("checksum missing");
  }

  @Test
  void aNewDeviceChecksumsFourKibBlocksAndSaysSoInItsIdentity() throws IOException {
    write(0, randomBytes(new Random(6), 3 * BLOCK + 1));
    Path crc = store.chunkPath(CHUNK, "d0").resolveSibling(ChunkStore.hex(CHUNK) + ".crc");
    assertThat(BLOCK).isEqualTo(4096);
    assertThat(Files.size(crc)).isEqualTo(4 * ChunkFileFormat.CRC_ENTRY_BYTES);
    assertThat(Files.readString(dir.resolve("d0").resolve(ChunkFileFormat.IDENTITY_FILE)))
        .contains("\"crcBlockSize\" : 4096");
  }

  /** A device created before identities named a block size keeps 64 KiB blocks: its CRCs stay valid. */
  @Test
  void aDeviceWhoseIdentityNamesNoBlockSizeKeepsSixtyFourKibBlocks() throws IOException {
    store.close();
    Path legacy = dir.resolve("legacy");
    Files.createDirectories(legacy);
    Files.writeString(
        legacy.resolve(ChunkFileFormat.IDENTITY_FILE),
        "{\"storageId\":\"s1\",\"device\":\"d0\",\"media\":\"nvme\",\"createdAtMs\":1}");
    store = ChunkStore.open("s1", List.of(new DeviceSpec("d0", "nvme", legacy)), 0);
    int big = ChunkFileFormat.LEGACY_BLOCK_SIZE;
    byte[] bytes = randomBytes(new Random(8), 2 * big + 5);
    write(0, bytes);
    Path file = store.chunkPath(CHUNK, "d0");
    assertThat(Files.size(file.resolveSibling(ChunkStore.hex(CHUNK) + ".crc"))).isEqualTo(3 * ChunkFileFormat.CRC_ENTRY_BYTES);
    assertThat(read(0, bytes.length)).isEqualTo(bytes);

    // A partial write inside a 64 KiB block keeps the rest of that block under the new CRC.
    write(big + 100, new byte[] {7});
    bytes[big + 100] = 7;
    store.close();
    store = ChunkStore.open("s1", List.of(new DeviceSpec("d0", "nvme", legacy)), 0);
    assertThat(read(0, bytes.length)).isEqualTo(bytes);

    // A flipped byte at 17 KiB into block 1 fails a read 40 KiB further, in the same 64 KiB block.
    flipByte(file, big + 17 * 1024);
    assertThatThrownBy(() -> read(big + 57 * 1024, 10))
        .satisfies(e -> assertThat(StrataException.codeOf(e)).isEqualTo(StatusCode.CORRUPT))
        .hasMessageContaining("block 1");
  }

  @Test
  void aDeviceWhoseIdentityNamesAnImpossibleBlockSizeIsRefusedNotGuessed() throws IOException {
    store.close();
    Path odd = dir.resolve("odd");
    Files.createDirectories(odd);
    Path identity = odd.resolve(ChunkFileFormat.IDENTITY_FILE);
    Files.writeString(
        identity,
        "{\"storageId\":\"s1\",\"device\":\"d0\",\"media\":\"nvme\",\"createdAtMs\":1,\"crcBlockSize\":3000}");
    assertThatThrownBy(() -> ChunkStore.open("s1", List.of(new DeviceSpec("d0", "nvme", odd)), 0))
        .satisfies(e -> assertThat(StrataException.codeOf(e)).isEqualTo(StatusCode.CORRUPT))
        .hasMessageContaining(identity.toString())
        .hasMessageContaining("crcBlockSize 3000 is not a power of two");
    store = openStore("s1", 0);
  }

  private static void flipByte(Path file, long position) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, position);
      one.put(0, (byte) (one.get(0) ^ 0x40)).rewind();
      ch.write(one, position);
    }
  }

  @Test
  void deleteIsIdempotentAndMissingChunksReadEmpty() {
    store.delete(CHUNK, "d0");
    write(10, new byte[] {1, 2});
    assertThat(store.usage().getFirst().chunks()).isEqualTo(1);
    assertThat(store.usage().getFirst().usedBytes()).isEqualTo(12);
    store.delete(CHUNK, "d0");
    store.delete(CHUNK, "");
    assertThat(store.usage().getFirst().chunks()).isZero();
    assertThat(store.usage().getFirst().usedBytes()).isZero();
    try (ReadResult r = store.read(CHUNK, "d0", 0, 100)) {
      assertThat(r.data().readableBytes()).isZero();
      assertThat(r.chunkLength()).isZero();
    }
    assertThatThrownBy(() -> store.sync(CHUNK, "d0"))
        .satisfies(e -> assertThat(StrataException.codeOf(e)).isEqualTo(StatusCode.NOT_FOUND));
    assertThat(store.chunkPath(CHUNK, "")).isNull();
  }

  @Test
  void aReplicaPlacedOnAnEarlierIncarnationOfTheDeviceIsNotFoundNotEmpty() throws Exception {
    write(0, new byte[] {1, 2, 3});
    long placedOn = store.devices().getFirst().incarnation();
    store.checkIncarnation(CHUNK, "d0", placedOn); // same device: fine
    store.checkIncarnation(CHUNK, "d0", 0); // caller does not know: unchecked
    store.close();
    try (var files = java.nio.file.Files.walk(dir.resolve("d0"))) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    await().atMost(java.time.Duration.ofSeconds(5)).until(() -> System.currentTimeMillis() > placedOn);
    store = openStore("s1", 0); // the wiped directory becomes a new incarnation
    assertThat(store.devices().getFirst().incarnation()).isNotEqualTo(placedOn);
    assertThatThrownBy(() -> store.checkIncarnation(CHUNK, "d0", placedOn))
        .isInstanceOf(StrataException.class)
        .hasMessageContaining("re-created")
        .extracting(e -> ((StrataException) e).code())
        .isEqualTo(StatusCode.NOT_FOUND);
  }

  @Test
  void deviceOwnedByAnotherStorageIsRefused() {
    write(0, new byte[] {1});
    store.close();
    assertThatThrownBy(() -> openStore("s2", 0))
        .isInstanceOf(StrataException.class)
        .hasMessageContaining("belongs to storage 's1'")
        .hasMessageContaining(dir.resolve("d0").toString());
    assertThatThrownBy(
            () -> ChunkStore.open("s1", List.of(new DeviceSpec("d0", "hdd", dir.resolve("d0"))), 0))
        .hasMessageContaining("was created as media 'nvme'");
    store = openStore("s1", 0);
    assertThat(read(0, 1)).containsExactly(1);
  }

  @Test
  void writeBeyondTheReserveIsNoSpaceAndChangesNothing() {
    write(0, new byte[] {7});
    store.close();
    store = openStore("s1", Long.MAX_VALUE / 4);
    assertThatThrownBy(() -> write(1, new byte[] {8}))
        .satisfies(e -> assertThat(StrataException.codeOf(e)).isEqualTo(StatusCode.NO_SPACE))
        .hasMessageContaining("device d0");
    // Overwrites inside the chunk need no new space.
    write(0, new byte[] {9});
    assertThat(read(0, 10)).containsExactly(9);
  }

  @Test
  void emptyDeviceNameFindsTheChunkOrPicksTheFreestDevice() {
    store.close();
    store =
        ChunkStore.open(
            "s1",
            List.of(
                new DeviceSpec("d0", "nvme", dir.resolve("d0")),
                new DeviceSpec("d1", "hdd", dir.resolve("d1"))),
            0);
    ByteBuf buf = Unpooled.wrappedBuffer(new byte[] {5, 6});
    store.write(CHUNK, "", 0, buf, true);
    buf.release();
    Path where = store.chunkPath(CHUNK, "");
    assertThat(where).isNotNull();
    // A second write with no device goes to the same device, not a freer one.
    ByteBuf more = Unpooled.wrappedBuffer(new byte[] {7});
    store.write(CHUNK, "", 2, more, false);
    more.release();
    try (ReadResult r = store.read(CHUNK, "", 0, 10)) {
      assertThat(ByteBufUtil.getBytes(r.data())).containsExactly(5, 6, 7);
    }
    assertThat(store.usage().stream().mapToLong(DeviceUsage::chunks).sum()).isEqualTo(1);
    assertThat(store.sync(CHUNK, "")).isEqualTo(3);
    assertThatThrownBy(() -> store.sync(CHUNK, "nope"))
        .hasMessageContaining("no device 'nope'");
  }

  @Test
  void failureBeforeFsyncLeavesBlocksMatchingTheirChecksums() {
    Faults.arm(
        WriteOp.FAULT_BEFORE_FSYNC,
        p -> {
          throw StrataException.of(StatusCode.IO_ERROR, "fault at %s", p);
        });
    byte[] bytes = randomBytes(new Random(11), BLOCK + 10);
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    assertThatThrownBy(() -> store.write(CHUNK, "d0", 100, buf, true)).hasMessageContaining("fault at");
    buf.release();
    Faults.disarmAll();
    byte[] got = read(0, 2 * BLOCK);
    assertThat(got).hasSize(100 + bytes.length);
    assertThat(Arrays.copyOfRange(got, 100, got.length)).isEqualTo(bytes);
  }

  @Test
  void faultBeforeVerifyFailsTheReadAndReleasesItsBuffer() {
    write(0, new byte[] {1, 2, 3});
    Faults.arm(
        ReadOp.FAULT_BEFORE_VERIFY,
        p -> {
          throw StrataException.of(StatusCode.IO_ERROR, "fault at %s", p);
        });
    assertThatThrownBy(() -> read(0, 3))
        .satisfies(e -> assertThat(StrataException.codeOf(e)).isEqualTo(StatusCode.IO_ERROR));
    Faults.disarmAll();
    assertThat(read(0, 3)).containsExactly(1, 2, 3);
  }

  @Test
  void diskFullIoExceptionsAreNoSpaceAndOthersIoErrorWithThePath() {
    Device d = store.devices().getFirst();
    StrataException full = IoErrors.map(new IOException("No space left on device"), "writing", d, CHUNK);
    assertThat(full.code()).isEqualTo(StatusCode.NO_SPACE);
    assertThat(full).hasMessageContaining("device d0").hasMessageContaining(d.root().toString());
    StrataException other = IoErrors.map(new IOException("Input/output error"), "reading", d, CHUNK);
    assertThat(other.code()).isEqualTo(StatusCode.IO_ERROR);
    assertThat(other).hasMessageContaining(d.dataPath(CHUNK).toString());
  }

  @Test
  void badRangesAreInvalidArguments() {
    assertThatThrownBy(() -> write(-1, new byte[] {1}))
        .satisfies(e -> assertThat(StrataException.codeOf(e)).isEqualTo(StatusCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> store.truncate(CHUNK, "d0", ChunkStore.MAX_CHUNK_BYTES + 1, false))
        .satisfies(e -> assertThat(StrataException.codeOf(e)).isEqualTo(StatusCode.FILE_TOO_BIG));
  }

  @Test
  void capacityNumbersComeFromTheFileStore() {
    write(0, new byte[BLOCK]);
    DeviceUsage u = store.usage().getFirst();
    assertThat(u.name()).isEqualTo("d0");
    assertThat(u.media()).isEqualTo("nvme");
    assertThat(u.capacityBytes()).isPositive();
    assertThat(u.freeBytes()).isPositive().isLessThanOrEqualTo(u.capacityBytes());
    assertThat(u.usedBytes()).isEqualTo(BLOCK);
    assertThat(u.chunks()).isEqualTo(1);
    assertThat(Files.exists(dir.resolve("d0").resolve("STRATA_DEVICE"))).isTrue();
  }
}
