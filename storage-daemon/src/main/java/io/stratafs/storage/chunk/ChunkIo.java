package io.stratafs.storage.chunk;

import static io.stratafs.storage.chunk.BlockChecksums.ENTRY_BYTES;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Positional I/O helpers shared by the chunk operations: full reads and writes, CRC entries. */
final class ChunkIo {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkIo.class);

  private ChunkIo() {}

  static void writeFully(FileChannel ch, ByteBuffer src, long position) throws IOException {
    long pos = position;
    while (src.hasRemaining()) {
      pos += ch.write(src, pos);
    }
  }

  /** Reads exactly {@code dst.remaining()} bytes at {@code position}; the caller knows they exist. */
  static void readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
    long pos = position;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file at " + pos);
      }
      pos += n;
    }
  }

  /**
   * Reads the CRC entries of blocks {@code first .. first+count-1}. A missing entry inside the
   * chunk's length is corruption (the .crc file lost its tail), never a hole.
   */
  static int[] readCrcs(OpenChunk oc, long first, int count) throws IOException {
    long need = (first + count) * ENTRY_BYTES;
    long have = oc.crcLength();
    if (have < need) {
      throw corrupt(
          oc,
          first + Math.max(0, (int) ((have - first * ENTRY_BYTES) / ENTRY_BYTES)),
          "checksum missing (the .crc file has " + have + " bytes, needs " + need + ")");
    }
    ByteBuffer buf = ByteBuffer.allocate(count * ENTRY_BYTES);
    readFully(oc.crc, buf, first * ENTRY_BYTES);
    buf.flip();
    int[] crcs = new int[count];
    for (int i = 0; i < count; i++) {
      crcs[i] = buf.getInt();
    }
    return crcs;
  }

  /** Writes CRC entries for blocks starting at {@code first}. */
  static void writeCrcs(OpenChunk oc, long first, int[] crcs) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(crcs.length * ENTRY_BYTES);
    for (int c : crcs) {
      buf.putInt(c);
    }
    buf.flip();
    writeFully(oc.crc, buf, first * ENTRY_BYTES);
    oc.crcWrittenTo((first + crcs.length) * ENTRY_BYTES);
  }

  /**
   * Reads block {@code b} of a chunk of length {@code length} into a heap buffer (flipped, its
   * bytes within the chunk only) and checks it against {@code expectedCrc}.
   */
  static ByteBuffer readVerifiedBlock(OpenChunk oc, long b, long length, int expectedCrc)
      throws IOException {
    BlockChecksums sums = oc.device.checksums();
    long start = b * sums.blockSize;
    int n = (int) Math.min(sums.blockSize, length - start);
    ByteBuffer block = ByteBuffer.allocate(sums.blockSize);
    block.limit(n);
    readFully(oc.data, block, start);
    block.flip();
    int actual = sums.crcPadded(block);
    if (actual != expectedCrc) {
      throw corrupt(oc, b, String.format("CRC32C %08x, expected %08x", actual, expectedCrc));
    }
    return block;
  }

  static StrataException corrupt(OpenChunk oc, long block, String detail) {
    String msg =
        String.format(
            "chunk %s block %d on device %s (%s) is corrupt: %s; read another replica and repair this one",
            ChunkStore.hex(oc.chunkId), block, oc.device.name(), oc.device.dataPath(oc.chunkId), detail);
    LOG.warn(msg);
    return new StrataException(StatusCode.CORRUPT, msg);
  }
}
