package io.stratafs.storage.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.stratafs.common.Faults;
import java.io.IOException;

/**
 * Reads a range of a chunk: the covering blocks into one pooled direct buffer, each block checked
 * against its CRC before a byte is returned. Runs under the chunk's read lock.
 */
final class ReadOp {
  static final String FAULT_BEFORE_VERIFY = "storage.read.beforeVerify";

  private ReadOp() {}

  static ReadResult run(OpenChunk oc, long offset, int length, ByteBufAllocator alloc)
      throws IOException {
    long chunkLength = oc.dataLength();
    if (length == 0 || offset >= chunkLength) {
      return new ReadResult(alloc.directBuffer(0), chunkLength);
    }
    long end = Math.min(chunkLength, offset + length);
    BlockChecksums sums = oc.device.checksums();
    int blockSize = sums.blockSize;
    long first = sums.blockIndex(offset);
    long last = sums.blockIndex(end - 1);
    long start = first * blockSize;
    int n = (int) (Math.min((last + 1) * blockSize, chunkLength) - start);
    int blocks = (int) (last - first + 1);
    ByteBuf buf = alloc.directBuffer(n, n);
    boolean ok = false;
    try {
      int[] crcs = ChunkIo.readCrcs(oc, first, blocks);
      while (buf.writerIndex() < n) {
        int got = buf.writeBytes(oc.data, start + buf.writerIndex(), n - buf.writerIndex());
        if (got < 0) {
          throw new IOException("unexpected end of file at " + (start + buf.writerIndex()));
        }
      }
      Faults.hit(FAULT_BEFORE_VERIFY);
      for (int i = 0; i < blocks; i++) {
        int blockStart = i * blockSize;
        int blockLen = Math.min(blockSize, n - blockStart);
        int actual = sums.crcPadded(buf.nioBuffer(blockStart, blockLen));
        if (actual != crcs[i]) {
          throw ChunkIo.corrupt(
              oc, first + i, String.format("CRC32C %08x, expected %08x", actual, crcs[i]));
        }
      }
      buf.readerIndex((int) (offset - start));
      buf.writerIndex((int) (end - start));
      ok = true;
      return new ReadResult(buf, chunkLength);
    } finally {
      if (!ok) {
        buf.release();
      }
    }
  }
}
