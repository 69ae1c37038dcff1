package io.stratafs.storage.chunk;

import io.netty.buffer.ByteBuf;
import io.stratafs.common.Faults;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes bytes at any offset of a chunk, extending it (the gap becomes a sparse hole). The new
 * CRCs are computed before anything is written: whole blocks straight from the caller's buffers,
 * partially written blocks from the old block (verified first, so a write never launders a corrupt
 * block into a valid-looking one) with the new bytes spliced in. Data is written from the ByteBuf's
 * own NIO buffers, then the CRC entries; runs under the chunk's write lock.
 */
final class WriteOp {
  static final String FAULT_BEFORE_FSYNC = "storage.write.beforeFsync";
  private static final Logger LOG = LoggerFactory.getLogger(WriteOp.class);
  /** Runs the CRC file's half of {@link #force}; idle threads end after a minute. */
  private static final ExecutorService CRC_SYNCS =
      Executors.newCachedThreadPool(Thread.ofPlatform().name("chunk-crc-sync-", 0).daemon().factory());

  private WriteOp() {}

  /** Returns the chunk's new length. */
  static long run(OpenChunk oc, long offset, ByteBuf data, boolean sync) throws IOException {
    int n = data.readableBytes();
    long oldLength = oc.dataLength();
    if (n == 0) {
      if (sync) {
        force(oc);
      }
      return oldLength;
    }
    long end = offset + n;
    long newLength = Math.max(oldLength, end);
    oc.device.checkSpace(end - oldLength, oc.chunkId);

    BlockChecksums sums = oc.device.checksums();
    long first = sums.blockIndex(offset);
    long last = sums.blockIndex(end - 1);
    long oldBlocks = sums.blockCount(oldLength);
    int[] newCrcs = new int[(int) (last - first + 1)];
    for (long b = first; b <= last; b++) {
      newCrcs[(int) (b - first)] = newBlockCrc(oc, b, offset, data, oldLength);
    }
    // Blocks between the old end and the write are holes: their CRC is the zero block's.
    long crcFirst = Math.min(first, oldBlocks);
    int[] entries = new int[(int) (last - crcFirst + 1)];
    Arrays.fill(entries, 0, (int) (first - crcFirst), sums.zeroBlockCrc);
    System.arraycopy(newCrcs, 0, entries, (int) (first - crcFirst), newCrcs.length);

    try {
      long pos = offset;
      for (ByteBuffer bb : data.nioBuffers(data.readerIndex(), n)) {
        int len = bb.remaining();
        ChunkIo.writeFully(oc.data, bb, pos);
        pos += len;
      }
      oc.dataWrittenTo(end);
      ChunkIo.writeCrcs(oc, crcFirst, entries);
    } catch (IOException e) {
      restoreAfterFailure(oc, oldLength, first, last, e);
      throw e;
    }
    oc.device.addUsed(newLength - oldLength);
    Faults.hit(FAULT_BEFORE_FSYNC);
    if (sync) {
      force(oc);
    }
    oc.dataWritten(offset, end, sync);
    return newLength;
  }

  /**
   * Makes the chunk's data and CRC files durable: their bytes and whatever metadata is needed to
   * read them back (the lengths included), skipping only timestamps, which nothing here reads.
   *
   * <p>When the CRC file has only rewritten pages since its last fdatasync (no new blocks, no
   * length change) and the device's filesystem overwrites in place, one device flush covers both
   * files (ADR 027): its pages are written with sync_file_range and waited for, then the data
   * file's fdatasync writes the data and flushes the device cache, which makes every write the
   * device completed before it durable. Otherwise each file gets its own fdatasync.
   *
   * @return whether one device flush covered both files
   */
  static boolean force(OpenChunk oc) throws IOException {
    long crcLength = oc.crcLength();
    if (oc.crcMetadataSynced(crcLength)) {
      PageWriteback.start(oc.crcFd);
      PageWriteback.start(oc.dataFd); // both files' pages travel to the device at once
      PageWriteback.await(oc.crcFd);
      oc.data.force(false);
      return true;
    }
    forceEach(oc);
    oc.crcSynced(crcLength);
    return false;
  }

  /**
   * fdatasync of both files at once (the CRC file's on a pooled platform thread: a virtual thread
   * would pin its carrier in fsync and wake a spare one), so their device flushes overlap.
   */
  private static void forceEach(OpenChunk oc) throws IOException {
    FutureTask<Void> crcSync =
        new FutureTask<>(
            () -> {
              oc.crc.force(false);
              return null;
            });
    CRC_SYNCS.execute(crcSync);
    IOException dataFailure = null;
    try {
      oc.data.force(false);
    } catch (IOException e) {
      dataFailure = e;
    }
    try {
      crcSync.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      IOException interrupted = new InterruptedIOException("interrupted while syncing chunk checksums");
      if (dataFailure != null) {
        dataFailure.addSuppressed(interrupted);
        throw dataFailure;
      }
      throw interrupted;
    } catch (ExecutionException e) {
      IOException crcFailure =
          e.getCause() instanceof IOException io ? io : new IOException("syncing chunk checksums failed", e.getCause());
      if (dataFailure != null) {
        dataFailure.addSuppressed(crcFailure);
        throw dataFailure;
      }
      throw crcFailure;
    }
    if (dataFailure != null) {
      throw dataFailure;
    }
  }

  private static int newBlockCrc(OpenChunk oc, long b, long offset, ByteBuf data, long oldLength)
      throws IOException {
    BlockChecksums sums = oc.device.checksums();
    int blockSize = sums.blockSize;
    long blockStart = b * blockSize;
    long writeStart = Math.max(blockStart, offset);
    long writeEnd = Math.min(blockStart + blockSize, offset + data.readableBytes());
    int dataIndex = data.readerIndex() + (int) (writeStart - offset);
    int dataLen = (int) (writeEnd - writeStart);
    long oldInBlock = Math.clamp(oldLength - blockStart, 0, blockSize);
    boolean keepsOldBytes = oldInBlock > 0 && (writeStart > blockStart || writeEnd - blockStart < oldInBlock);
    if (writeStart == blockStart && !keepsOldBytes) {
      return sums.crcPadded(data.nioBuffers(dataIndex, dataLen));
    }
    byte[] block = new byte[blockSize];
    if (keepsOldBytes) {
      int expected = ChunkIo.readCrcs(oc, b, 1)[0];
      ByteBuffer old = ChunkIo.readVerifiedBlock(oc, b, oldLength, expected);
      old.get(block, 0, old.remaining());
    }
    data.getBytes(dataIndex, block, (int) (writeStart - blockStart), dataLen);
    return sums.crcPadded(ByteBuffer.wrap(block));
  }

  /**
   * After a failed write (typically ENOSPC) the touched blocks may hold a mix of old and new bytes
   * under their old CRCs. The write was not acknowledged, so its range has no defined content, but
   * every block must still match its CRC: cut the chunk back to its old length and recompute the
   * CRCs of the touched blocks from what is on disk.
   */
  private static void restoreAfterFailure(
      OpenChunk oc, long oldLength, long first, long last, IOException cause) {
    try {
      if (oc.data.size() > oldLength) {
        oc.data.truncate(oldLength);
      }
      BlockChecksums sums = oc.device.checksums();
      long blocks = sums.blockCount(oldLength);
      for (long b = first; b <= last && b < blocks; b++) {
        long start = b * sums.blockSize;
        ByteBuffer block = ByteBuffer.allocate((int) Math.min(sums.blockSize, oldLength - start));
        ChunkIo.readFully(oc.data, block, start);
        block.flip();
        ChunkIo.writeCrcs(oc, b, new int[] {sums.crcPadded(block)});
      }
      if (oc.crc.size() > blocks * BlockChecksums.ENTRY_BYTES) {
        oc.crc.truncate(blocks * BlockChecksums.ENTRY_BYTES);
        oc.crcTruncated();
      }
      LOG.warn(
          "write to chunk {} on {} failed ({}); restored length {} and the CRCs of blocks {}..{}",
          ChunkStore.hex(oc.chunkId), oc.device, cause.getMessage(), oldLength, first, last);
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
      LOG.error(
          "write to chunk {} on {} failed and restoring its CRCs failed too: its blocks {}..{} may"
              + " read as CORRUPT",
          ChunkStore.hex(oc.chunkId), oc.device, first, last, e);
    }
  }
}
