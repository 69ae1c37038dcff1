package io.stratafs.common;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The on-disk format of a chunk replica, shared by the storage daemon that writes it and the FUSE
 * client's short-circuit reader: {@code <device>/chunks/<xx>/<16 hex id>.chunk} (data, sparse) and
 * {@code .crc} (CRC32C per {@link #BLOCK_SIZE} block, 4 bytes big-endian each), xx = the id's low
 * byte in hex. Each CRC covers the whole block with the bytes past the chunk's end counted as
 * zeros, so extending a chunk never changes an existing block's CRC.
 */
public final class ChunkFileFormat {
  public static final int BLOCK_SIZE = 64 * 1024;
  public static final int CRC_ENTRY_BYTES = 4;
  public static final String DATA_SUFFIX = ".chunk";
  public static final String CRC_SUFFIX = ".crc";

  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(BLOCK_SIZE).asReadOnlyBuffer();

  private ChunkFileFormat() {}

  /** The directory of {@code chunkId}'s files under a device root. */
  public static Path chunkDir(Path deviceRoot, long chunkId) {
    return deviceRoot.resolve("chunks").resolve(hex(chunkId & 0xff, 2));
  }

  /** The file name stem of {@code chunkId}: 16 lower-case hex digits. */
  public static String stem(long chunkId) {
    return hex(chunkId, 16);
  }

  /** {@code v} in lower-case hex, zero-padded to {@code digits}; on every read's path, so no Formatter. */
  private static String hex(long v, int digits) {
    String h = Long.toHexString(v);
    return h.length() >= digits ? h : "0".repeat(digits - h.length()) + h;
  }

  /** CRC32C of {@code parts} (positions untouched) followed by zeros up to a full block. */
  public static int crcPadded(ByteBuffer... parts) {
    CRC32C crc = new CRC32C();
    int total = 0;
    for (ByteBuffer p : parts) {
      total += p.remaining();
      crc.update(p.duplicate());
    }
    if (total > BLOCK_SIZE) {
      throw new IllegalArgumentException("block content of " + total + " bytes exceeds " + BLOCK_SIZE);
    }
    crc.update(ZEROS.duplicate().limit(BLOCK_SIZE - total));
    return (int) crc.getValue();
  }
}
