package io.stratafs.common;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The on-disk format of a chunk replica, shared by the storage daemon that writes it and the FUSE
 * client's short-circuit reader: {@code <device>/chunks/<xx>/<16 hex id>.chunk} (data, sparse) and
 * {@code .crc} (CRC32C per block, 4 bytes big-endian each), xx = the id's low byte in hex. Each CRC
 * covers the whole block with the bytes past the chunk's end counted as zeros, so extending a chunk
 * never changes an existing block's CRC.
 *
 * <p>The block size is the device's, named by its identity file ({@value #IDENTITY_FILE}, field
 * {@value #BLOCK_SIZE_FIELD}): {@link #DEFAULT_BLOCK_SIZE} for devices created now, {@link
 * #LEGACY_BLOCK_SIZE} for those whose identity names none (created before the field existed). A
 * 4 KiB read or page write touches one 4 KiB block, not 64 KiB (ADR 020).
 */
public final class ChunkFileFormat {
  public static final int DEFAULT_BLOCK_SIZE = 4 * 1024;
  public static final int LEGACY_BLOCK_SIZE = 64 * 1024;
  public static final int MIN_BLOCK_SIZE = 512;
  public static final int MAX_BLOCK_SIZE = 64 * 1024;
  public static final int CRC_ENTRY_BYTES = 4;
  public static final String DATA_SUFFIX = ".chunk";
  public static final String CRC_SUFFIX = ".crc";
  public static final String IDENTITY_FILE = "STRATA_DEVICE";
  public static final String BLOCK_SIZE_FIELD = "crcBlockSize";

  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(MAX_BLOCK_SIZE).asReadOnlyBuffer();

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

  /**
   * The block size an identity file names: {@code named} itself, or {@link #LEGACY_BLOCK_SIZE} when
   * it names none (0).
   *
   * @throws IllegalArgumentException unless a power of two from {@link #MIN_BLOCK_SIZE} to {@link
   *     #MAX_BLOCK_SIZE}
   */
  public static int blockSize(int named) {
    if (named == 0) {
      return LEGACY_BLOCK_SIZE;
    }
    if (named < MIN_BLOCK_SIZE || named > MAX_BLOCK_SIZE || Integer.bitCount(named) != 1) {
      throw new IllegalArgumentException(
          BLOCK_SIZE_FIELD + " " + named + " is not a power of two from " + MIN_BLOCK_SIZE + " to " + MAX_BLOCK_SIZE);
    }
    return named;
  }

  /** CRC32C of {@code parts} (positions untouched) followed by zeros up to a full block of {@code blockSize}. */
  public static int crcPadded(int blockSize, ByteBuffer... parts) {
    CRC32C crc = new CRC32C();
    int total = 0;
    for (ByteBuffer p : parts) {
      total += p.remaining();
      crc.update(p.duplicate());
    }
    if (total > blockSize) {
      throw new IllegalArgumentException("block content of " + total + " bytes exceeds " + blockSize);
    }
    if (total < blockSize) {
      crc.update(ZEROS.duplicate().limit(blockSize - total));
    }
    return (int) crc.getValue();
  }
}
