package io.stratafs.meta.journal;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.kv.KvStore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the journal's unsynced groups durable soon after they are written (ADR 032). One thread
 * syncs the store whenever a group was written without a sync since its last one, so a mutation
 * acknowledged before its sync is durable about one device flush later, while the writer goes on
 * with the next group. {@link #awaitDurable} lets a caller that promises durability (fsync,
 * fsyncdir, chunk GC before it deletes replicas) wait for every group written before it.
 */
final class WalSyncer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WalSyncer.class);
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final KvStore store;
  private final Thread thread;
  private final AtomicLong syncs = new AtomicLong();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock: unsynced groups written, how many of them are known durable, the failure of
  // the last sync until one succeeds.
  private long written;
  private long durable;
  private RuntimeException failure;
  private boolean closed;

  WalSyncer(String name, KvStore store) {
    this.store = store;
    this.thread = Thread.ofPlatform().name("journal-syncer-" + name).daemon().unstarted(this::loop);
    thread.start();
  }

  /** The writer wrote a group; one with a sync made every group before it durable too. */
  void wrote(boolean synced) {
    lock.lock();
    try {
      if (synced) {
        durable = written;
      } else {
        written++;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns once every group written before the call is durable, at once when nothing is pending.
   * Throws IO_ERROR while syncs fail, UNAVAILABLE when the journal closed first.
   */
  void awaitDurable() {
    lock.lock();
    try {
      long target = written;
      while (durable < target) {
        if (failure != null) {
          throw new StrataException(
              StatusCode.IO_ERROR, "metadata journal sync failed: " + failure.getMessage(), failure);
        }
        if (closed) {
          throw StrataException.of(StatusCode.UNAVAILABLE, "metadata journal closed before its sync; retry on the leader");
        }
        try {
          changed.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw StrataException.of(StatusCode.UNAVAILABLE, "interrupted while waiting for the metadata journal's sync");
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Background syncs made so far. */
  long syncCount() {
    return syncs.get();
  }

  private void loop() {
    while (true) {
      long target;
      lock.lock();
      try {
        while (!closed && durable >= written) {
          changed.await();
        }
        if (closed) {
          return;
        }
        target = written;
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      if (!syncUpTo(target)) {
        LockSupport.parkNanos(RETRY_NANOS);
      }
    }
  }

  /** One sync; false when it failed (the failure is kept for waiters until a sync succeeds). */
  private boolean syncUpTo(long target) {
    try {
      store.sync();
      syncs.incrementAndGet();
      lock.lock();
      try {
        durable = Math.max(durable, target);
        failure = null;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      return true;
    } catch (RuntimeException e) {
      lock.lock();
      try {
        if (failure == null) {
          LOG.error("metadata journal sync failed; namespace changes since the last sync are not durable"
              + " until one succeeds (retrying every second)", e);
        }
        failure = e;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      return false;
    }
  }

  /** Stops the thread, then syncs what is still unsynced: a clean stop leaves nothing pending. */
  @Override
  public void close() {
    long target;
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lock.lock();
    try {
      target = written;
      if (durable >= target) {
        return;
      }
    } finally {
      lock.unlock();
    }
    syncUpTo(target);
  }
}
