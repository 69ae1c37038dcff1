package io.stratafs.storage.chunk;

import io.stratafs.common.ChunkFileFormat;
import java.nio.ByteBuffer;

/**
 * The checksum scheme of one device's chunk files. A chunk is cut into {@link #blockSize} blocks
 * (the device's, see {@link ChunkFileFormat}); block {@code b}'s CRC32C is stored big-endian at
 * offset {@code 4 * b} of the chunk's {@code .crc} file. Each CRC covers the whole block, the bytes
 * past the chunk's end counted as zeros: so extending a chunk (sparse holes, truncate up) never
 * changes an existing block's CRC, and a hole block's CRC is the constant {@link #zeroBlockCrc}.
 * Only shrinking into a block changes its CRC. Immutable.
 */
final class BlockChecksums {
  static final int ENTRY_BYTES = ChunkFileFormat.CRC_ENTRY_BYTES;

  final int blockSize;
  final int zeroBlockCrc;

  /** @param blockSize a size {@link ChunkFileFormat#blockSize(int)} accepts */
  BlockChecksums(int blockSize) {
    this.blockSize = ChunkFileFormat.blockSize(blockSize);
    this.zeroBlockCrc = crcPadded(ByteBuffer.allocate(0));
  }

  long blockIndex(long offset) {
    return offset / blockSize;
  }

  /** Number of blocks a chunk of {@code length} bytes spans. */
  long blockCount(long length) {
    return (length + blockSize - 1) / blockSize;
  }

  /** CRC32C of {@code parts} (positions untouched) followed by zeros up to a full block. */
  int crcPadded(ByteBuffer... parts) {
    return ChunkFileFormat.crcPadded(blockSize, parts);
  }
}
