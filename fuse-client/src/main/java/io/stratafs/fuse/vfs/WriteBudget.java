package io.stratafs.fuse.vfs;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The mount-wide bound on buffered write bytes (dirty + flushing, not yet durable on storage), so
 * the mount's heap stays bounded however many files are written at once.
 *
 * <p>Accounting cannot drift: each {@link FileWriter} reports its pending bytes after every change
 * (under its own lock, so reports of one writer arrive in order); the budget keeps the last report
 * per writer and moves the total by the difference. A writer with nothing pending is not in the
 * map, so a closed file leaves nothing behind. A write first {@linkplain #tryReserve reserves} its
 * bytes and turns the reservation into its report when it buffers them, so concurrent writes
 * cannot all pass the check and overshoot together.
 *
 * <p>Making room (flushing, choosing whom to flush, failing) is the writer's job; the budget only
 * counts and wakes waiters. Thread-safe: guarded by {@code this}. Lock order is writer, then
 * budget: nothing here calls a writer while holding {@code this}.
 */
final class WriteBudget {
  /** Bounds one wait, so a lost wake-up costs at most this long. */
  private static final long MAX_WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final long limitBytes;
  private final Duration maxWait;
  private final Map<FileWriter, Long> reported = new HashMap<>();
  /** Sum of {@code reported}. */
  private long totalBytes;
  /** Bytes of writes that passed the check and are being buffered. */
  private long reservedBytes;
  /** Highest {@code totalBytes} seen, for tests and diagnostics. */
  private long peakBytes;

  /**
   * @param limitBytes most bytes buffered at once (one write larger than this still goes through,
   *     alone)
   * @param maxWait how long a write waits for room before it fails
   */
  WriteBudget(long limitBytes, Duration maxWait) {
    if (limitBytes <= 0) {
      throw new IllegalArgumentException("write budget must be > 0, got " + limitBytes);
    }
    this.limitBytes = limitBytes;
    this.maxWait = maxWait;
  }

  long limitBytes() {
    return limitBytes;
  }

  Duration maxWait() {
    return maxWait;
  }

  /**
   * Reserves room for a write of {@code n} bytes when it fits. A write larger than the whole
   * budget needs it empty (it reserves the limit), so it can pass, alone.
   */
  synchronized boolean tryReserve(long n) {
    long need = Math.min(n, limitBytes);
    if (totalBytes + reservedBytes + need > limitBytes) {
      return false;
    }
    reservedBytes += need;
    return true;
  }

  /**
   * Records that {@code w} now holds {@code pendingBytes}. With {@code reservedFor} > 0 it also
   * drops the reservation of the write of that many bytes that this report accounts for (or that
   * failed before buffering).
   */
  synchronized void report(FileWriter w, long pendingBytes, long reservedFor) {
    long before = pendingBytes == 0 ? orZero(reported.remove(w)) : orZero(reported.put(w, pendingBytes));
    totalBytes += pendingBytes - before;
    peakBytes = Math.max(peakBytes, totalBytes);
    if (reservedFor > 0) {
      reservedBytes -= Math.min(reservedFor, limitBytes);
    }
    assert totalBytes >= 0 && reservedBytes >= 0 : totalBytes + " / " + reservedBytes;
    if (pendingBytes < before || reservedFor > 0) {
      notifyAll();
    }
  }

  void report(FileWriter w, long pendingBytes) {
    report(w, pendingBytes, 0);
  }

  /** The writer holding the most pending bytes, or null when none holds any. */
  synchronized FileWriter largest() {
    FileWriter best = null;
    long bestBytes = 0;
    for (Map.Entry<FileWriter, Long> e : reported.entrySet()) {
      if (e.getValue() > bestBytes) {
        best = e.getKey();
        bestBytes = e.getValue();
      }
    }
    return best;
  }

  /** Wakes the waiters: something they wait for (a flush) ended without freeing room. */
  synchronized void wake() {
    notifyAll();
  }

  /**
   * Waits until the next change, at most {@code nanos} (and at most a short slice: the caller
   * re-checks in a loop).
   */
  synchronized void awaitChange(long nanos) {
    long slice = Math.min(nanos, MAX_WAIT_SLICE_NANOS);
    if (slice <= 0) {
      return;
    }
    try {
      TimeUnit.NANOSECONDS.timedWait(this, slice);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StrataException(StatusCode.INTERRUPTED, "interrupted while waiting for room in the write budget");
    }
  }

  /** Bytes buffered by all writers now. */
  synchronized long totalBytes() {
    return totalBytes;
  }

  synchronized long peakBytes() {
    return peakBytes;
  }

  /** How many writers hold pending bytes. */
  synchronized int writers() {
    return reported.size();
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }
}
