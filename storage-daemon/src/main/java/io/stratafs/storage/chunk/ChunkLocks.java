package io.stratafs.storage.chunk;

import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Per-chunk ordering without a global lock: a fixed set of read-write locks, a chunk id mapped to
 * one by a hash. Reads of a chunk share its lock; writes, truncates and deletes exclude everything
 * else on it (so a read never sees a block whose data and CRC are half updated).
 */
final class ChunkLocks {
  private final ReadWriteLock[] stripes;

  ChunkLocks(int stripeCount) {
    if (Integer.bitCount(stripeCount) != 1) {
      throw new IllegalArgumentException("stripe count must be a power of two: " + stripeCount);
    }
    stripes = new ReadWriteLock[stripeCount];
    for (int i = 0; i < stripeCount; i++) {
      stripes[i] = new ReentrantReadWriteLock();
    }
  }

  ReadWriteLock of(long chunkId) {
    long h = chunkId * 0x9E3779B97F4A7C15L;
    return stripes[(int) (h >>> 32) & (stripes.length - 1)];
  }
}
