package io.stratafs.fuse.vfs;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts this mount's name changes (create, mknod, mkdir, symlink, link, unlink, rmdir, rename),
 * which the metadata server answers before their sync (ADR 032), so an fsync asks the server for
 * its barrier only when one of them may still be unsynced. Thread-safe.
 */
final class UnsyncedNames {
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong synced = new AtomicLong();

  /** A name change of this mount was answered, or failed in a way that may have applied it. */
  void answered() {
    answered.incrementAndGet();
  }

  /** Whether a name change answered to this mount may not be durable yet. */
  boolean pending() {
    return answered.get() > synced.get();
  }

  /**
   * Runs {@code barrier} (the server's sync) when a name change answered before this call may be
   * unsynced, or always with {@code always}; a barrier that throws leaves them pending.
   */
  void sync(Runnable barrier, boolean always) {
    long upTo = answered.get();
    if (!always && upTo <= synced.get()) {
      return;
    }
    barrier.run();
    synced.accumulateAndGet(upTo, Math::max);
  }
}
