package io.stratafs.meta.ops;

import io.stratafs.meta.policy.Policies;
import io.stratafs.meta.storage.Placement;
import io.stratafs.meta.storage.StorageRpc;
import io.stratafs.meta.storage.StorageView;
import java.util.function.LongSupplier;

/**
 * What operations need besides the transaction: the filesystem's settings, the clocks, the id
 * allocators, the storage view and the storage policies. Shared by all operations; its parts are thread-safe.
 *
 * @param wallNanos wall-clock time in ns since the epoch (file timestamps)
 * @param monoNanos a monotonic clock (session leases)
 */
public record MetaContext(
    String fsName,
    long chunkSize,
    LongSupplier wallNanos,
    LongSupplier monoNanos,
    IdAllocator inodeIds,
    IdAllocator chunkIds,
    IdAllocator sessionIds,
    StorageView storage,
    StorageRpc storageRpc,
    Sessions sessions,
    Policies policies) {
  public static final long ROOT_INO = 1;

  public long now() {
    return wallNanos.getAsLong();
  }

  /** Wall-clock milliseconds (chunk dirty_since). */
  public long nowMs() {
    return wallNanos.getAsLong() / 1_000_000L;
  }

  public Placement placement() {
    return new Placement(storage);
  }

  /** Wall-clock nanoseconds from the system clock. */
  public static long systemWallNanos() {
    java.time.Instant i = java.time.Instant.now();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
