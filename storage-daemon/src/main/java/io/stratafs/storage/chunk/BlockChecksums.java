package io.stratafs.storage.chunk;

import io.stratafs.common.ChunkFileFormat;
import java.nio.ByteBuffer;

/**
 * The checksum scheme of chunk files. A chunk is cut into {@link #BLOCK_SIZE} blocks; block {@code
 * b}'s CRC32C is stored big-endian at offset {@code 4 * b} of the chunk's {@code .crc} file. Each
 * CRC covers the whole 64 KiB block, the bytes past the chunk's end counted as zeros: so extending
 * a chunk (sparse holes, truncate up) never changes an existing block's CRC, and a hole block's CRC
 * is the constant {@link #ZERO_BLOCK_CRC}. Only shrinking into a block changes its CRC.
 */
final class BlockChecksums {
  static final int BLOCK_SIZE = ChunkFileFormat.BLOCK_SIZE;
  static final int ENTRY_BYTES = ChunkFileFormat.CRC_ENTRY_BYTES;

  static final int ZERO_BLOCK_CRC = crcPadded(ByteBuffer.allocate(0));

  private BlockChecksums() {}

  static long blockIndex(long offset) {
    return offset / BLOCK_SIZE;
  }

  /** Number of blocks a chunk of {@code length} bytes spans. */
  static long blockCount(long length) {
    return (length + BLOCK_SIZE - 1) / BLOCK_SIZE;
  }

  /** CRC32C of {@code parts} (positions untouched) followed by zeros up to a full block. */
  static int crcPadded(ByteBuffer... parts) {
    return ChunkFileFormat.crcPadded(parts);
  }

}
