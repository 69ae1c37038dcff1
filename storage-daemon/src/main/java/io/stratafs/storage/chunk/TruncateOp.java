package io.stratafs.storage.chunk;

import static io.stratafs.storage.chunk.BlockChecksums.ENTRY_BYTES;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Sets a chunk's length. Shrinking into a block recomputes that block's CRC over what remains
 * (after verifying the old block); growing leaves a sparse hole whose blocks get the zero-block
 * CRC. Runs under the chunk's write lock.
 */
final class TruncateOp {
  private TruncateOp() {}

  /** Returns the chunk's new length. */
  static long run(OpenChunk oc, long newLength, boolean sync) throws IOException {
    long oldLength = oc.dataLength();
    BlockChecksums sums = oc.device.checksums();
    if (newLength < oldLength) {
      long blocks = sums.blockCount(newLength);
      int tail = (int) (newLength % sums.blockSize);
      if (tail != 0) {
        long b = newLength / sums.blockSize;
        ByteBuffer block = ChunkIo.readVerifiedBlock(oc, b, oldLength, ChunkIo.readCrcs(oc, b, 1)[0]);
        block.limit(tail);
        ChunkIo.writeCrcs(oc, b, new int[] {sums.crcPadded(block)});
      }
      oc.data.truncate(newLength);
      oc.crc.truncate(blocks * ENTRY_BYTES);
      oc.lengthsSet(newLength, blocks * ENTRY_BYTES);
      oc.crcTruncated();
    } else if (newLength > oldLength) {
      long oldBlocks = sums.blockCount(oldLength);
      long newBlocks = sums.blockCount(newLength);
      if (newBlocks > oldBlocks) {
        int[] zeros = new int[(int) (newBlocks - oldBlocks)];
        Arrays.fill(zeros, sums.zeroBlockCrc);
        ChunkIo.writeCrcs(oc, oldBlocks, zeros);
      }
      // A zero byte at the new end extends the file; everything before it stays a hole.
      ChunkIo.writeFully(oc.data, ByteBuffer.allocate(1), newLength - 1);
      oc.dataWrittenTo(newLength);
    }
    oc.device.addUsed(newLength - oldLength);
    if (sync) {
      WriteOp.force(oc);
    }
    return newLength;
  }
}
