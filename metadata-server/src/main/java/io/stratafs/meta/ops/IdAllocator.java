package io.stratafs.meta.ops;

import static io.stratafs.meta.schema.MetaSchema.*;

import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvBatch;
import io.stratafs.meta.kv.KvStore;

/**
 * Hands out ids from a durable counter, reserving them in blocks: the counter stores the first id
 * not yet reserved and is synced before any id of a new block is used, so a restart resumes past
 * every id ever handed out. The reservation is written directly (not in the caller's batch) so a
 * failed operation cannot lose it. Thread-safe.
 */
public final class IdAllocator {
  private final KvStore store;
  private final byte[] key;
  private final int block;
  private long next;
  private long limit;

  public IdAllocator(KvStore store, String name, long first, int block) {
    this.store = store;
    this.key = counterKey(name);
    this.block = block;
    byte[] v = store.get(Cf.COUNTERS, key);
    this.next = v == null ? first : Math.max(first, readU64(v, 0));
    this.limit = next;
  }

  public synchronized long next() {
    if (next >= limit) {
      limit = next + block;
      store.write(new KvBatch().put(Cf.COUNTERS, key, u64(limit)), true);
    }
    return next++;
  }

  /** The next id that would be handed out (for statfs's inode numbers). */
  public synchronized long peek() {
    return next;
  }
}
