package io.stratafs.storage.chunk;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open data and checksum channels of one chunk replica, reference counted: the cache holds one
 * reference and each operation in flight another, so evicting a chunk from the cache never closes
 * channels under an operation that is using them.
 */
final class OpenChunk {
  private static final Logger LOG = LoggerFactory.getLogger(OpenChunk.class);

  final Device device;
  final long chunkId;
  final FileChannel data;
  final FileChannel crc;
  private final AtomicInteger refs = new AtomicInteger(1);

  OpenChunk(Device device, long chunkId, FileChannel data, FileChannel crc) {
    this.device = device;
    this.chunkId = chunkId;
    this.data = data;
    this.crc = crc;
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
  }
}
