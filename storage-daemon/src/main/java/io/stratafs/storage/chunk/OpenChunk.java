package io.stratafs.storage.chunk;

import io.stratafs.common.ReadOnlyDescriptors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open data and checksum channels of one chunk replica, reference counted: the cache holds one
 * reference and each operation in flight another, so evicting a chunk from the cache never closes
 * channels under an operation that is using them. On a device that {@linkplain
 * Device#syncsWithOneFlush() syncs with one flush} it also holds a read-only descriptor of each
 * file for {@link PageWriteback}, and how much of the checksum file an fdatasync made durable.
 *
 * <p>It knows both files' lengths, so no operation stats them (ADR 029): since Linux 6.13 a stat
 * that returns the timestamps makes the next write stamp a fine-grained mtime, and on ext4
 * without a journal the following fdatasync writes the inode too. Only the chunk operations
 * change the files, under the chunk's write lock, and each says what it made of the lengths.
 */
final class OpenChunk {
  private static final Logger LOG = LoggerFactory.getLogger(OpenChunk.class);

  final Device device;
  final long chunkId;
  final FileChannel data;
  final FileChannel crc;
  private final AtomicInteger refs = new AtomicInteger(1);
  /**
   * The checksum file's length when an fdatasync of it last finished, -1 before the first: up to
   * there its blocks are allocated and that is on disk, so rewriting them changes only data.
   */
  private final AtomicLong crcSyncedLength = new AtomicLong(-1);
  /**
   * Read-only descriptors for {@link PageWriteback}, or -1 when the device syncs each file on its
   * own. Opened with the channels, before anything is written through them: a descriptor reports
   * the page write-back errors that happen after it was opened, so none is missed.
   */
  final int dataFd;
  final int crcFd;
  /** Null where there are no descriptors for {@link PageWriteback}. */
  private final WriteBehind writeBehind;
  /** Set under the chunk's write lock, read under either lock. */
  private volatile long dataLength;
  private volatile long crcLength;

  OpenChunk(
      Device device, long chunkId, FileChannel data, FileChannel crc, int dataFd, int crcFd,
      long dataLength, long crcLength) {
    this.device = device;
    this.chunkId = chunkId;
    this.data = data;
    this.crc = crc;
    this.dataFd = dataFd;
    this.crcFd = crcFd;
    this.dataLength = dataLength;
    this.crcLength = crcLength;
    this.writeBehind = dataFd >= 0 ? new WriteBehind(WriteBehind.WINDOW) : null;
  }

  /** The data file's length. */
  long dataLength() {
    return dataLength;
  }

  /** The checksum file's length. */
  long crcLength() {
    return crcLength;
  }

  /** Bytes were written to the data file up to {@code end}. Under the chunk's write lock. */
  void dataWrittenTo(long end) {
    dataLength = Math.max(dataLength, end);
  }

  /**
   * Bytes [offset, end) of the data file were written, and synced if {@code synced}: a sequential
   * stream's bytes go to write-back a window at a time. Under the chunk's write lock.
   */
  void dataWritten(long offset, long end, boolean synced) {
    if (writeBehind == null) {
      return;
    }
    WriteBehind.Range full = writeBehind.written(offset, end, synced);
    if (full != null) {
      writeBehind.start(this, full);
    }
  }

  /** Entries were written to the checksum file up to {@code end}. Under the chunk's write lock. */
  void crcWrittenTo(long end) {
    crcLength = Math.max(crcLength, end);
  }

  /** Both files were cut or grown to these lengths. Under the chunk's write lock. */
  void lengthsSet(long dataLength, long crcLength) {
    this.dataLength = dataLength;
    this.crcLength = crcLength;
  }

  /**
   * Whether the checksum file, now {@code crcLength} bytes long, only has rewritten pages to make
   * durable: no new blocks and no length change since its last fdatasync.
   */
  boolean crcMetadataSynced(long crcLength) {
    return crcFd >= 0 && crcLength <= crcSyncedLength.get();
  }

  /** An fdatasync of the checksum file finished; it was {@code crcLength} bytes when it began. */
  void crcSynced(long crcLength) {
    crcSyncedLength.accumulateAndGet(crcLength, Math::max);
  }

  /**
   * The checksum file was cut short: its new length is metadata only an fdatasync of it makes
   * durable, and growing it again allocates new blocks, so the next sync syncs it on its own.
   */
  void crcTruncated() {
    crcSyncedLength.set(-1);
  }

  /** Adds a reference; false when the channels are already closed. */
  boolean retain() {
    while (true) {
      int r = refs.get();
      if (r == 0) {
        return false;
      }
      if (refs.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  void release() {
    int r = refs.decrementAndGet();
    if (r == 0) {
      closeChannels();
    } else if (r < 0) {
      throw new IllegalStateException("chunk " + ChunkStore.hex(chunkId) + " released too often");
    }
  }

  private void closeChannels() {
    try {
      data.close();
    } catch (IOException e) {
      LOG.warn("closing {} failed", device.dataPath(chunkId), e);
    }
    try {
      crc.close();
    } catch (IOException e) {
      LOG.warn("closing {} failed", device.crcPath(chunkId), e);
    }
    if (dataFd >= 0) {
      ReadOnlyDescriptors.close(dataFd);
      ReadOnlyDescriptors.close(crcFd);
    }
  }
}
