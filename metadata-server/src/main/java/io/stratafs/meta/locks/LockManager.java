package io.stratafs.meta.locks;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongPredicate;

/**
 * The lock table of the filesystem, in the leader's memory: per inode a POSIX range table and a
 * flock table (independent, as on Linux), keyed by {@link LockOwner}. Nothing is persisted or
 * replicated: locks die with their session and with the leader (ADR 010).
 *
 * <p>A blocking request parks the calling thread (the RPC layer's virtual thread) on its inode's
 * condition until the request no longer conflicts, its wait bound passes (answer "not yet", the
 * client asks again), {@link #cancelWait} ends it (INTERRUPTED), its session ends
 * (SESSION_EXPIRED) or granting it would close a wait cycle between POSIX owners (DEADLOCK).
 * Waiters are woken on every change to their inode and re-check; there is no FIFO fairness,
 * as POSIX requires none.
 *
 * <p>Thread-safe: one lock guards the whole table; every operation is a few list scans.
 */
public final class LockManager {
  /** One inode's tables and the condition its waiters park on. */
  private static final class InodeLocks {
    final RangeTable posix = new RangeTable();
    final RangeTable flock = new RangeTable();
    final Condition changed;
    int waiters;

    InodeLocks(Condition changed) {
      this.changed = changed;
    }

    RangeTable table(boolean isFlock) {
      return isFlock ? flock : posix;
    }

    boolean idle() {
      return waiters == 0 && posix.isEmpty() && flock.isEmpty();
    }
  }

  /** A parked request; blockedBy feeds deadlock detection (POSIX only, as Linux). */
  private static final class Waiter {
    final LockOwner owner;
    final long ino;
    final boolean flock;
    LockOwner blockedBy;
    boolean cancelled;

    Waiter(LockOwner owner, long ino, boolean flock) {
      this.owner = owner;
      this.ino = ino;
      this.flock = flock;
    }
  }

  /** What a lock request asks for. */
  public record Request(long ino, LockOwner owner, long start, long end, int type, int pid, boolean flock) {
    public Request {
      if (start < 0 || end < start) {
        throw StrataException.of(StatusCode.INVALID_ARGUMENT, "lock range [%d, %d] is empty or negative", start, end);
      }
      if (type != LockRange.F_RDLCK && type != LockRange.F_WRLCK && type != LockRange.F_UNLCK) {
        throw StrataException.of(StatusCode.INVALID_ARGUMENT, "lock type %d is not F_RDLCK, F_WRLCK or F_UNLCK", type);
      }
    }
  }

  private final ReentrantLock mu = new ReentrantLock();
  private final Map<Long, InodeLocks> inodes = new HashMap<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final LongPredicate sessionLive;

  /** @param sessionLive whether a session may still acquire locks (checked under the table lock) */
  public LockManager(LongPredicate sessionLive) {
    this.sessionLive = sessionLive;
  }

  /** F_GETLK: the first lock that would block {@code r}, if any. */
  public Optional<LockRange> getlk(Request r) {
    mu.lock();
    try {
      InodeLocks il = inodes.get(r.ino());
      return il == null
          ? Optional.empty()
          : Optional.ofNullable(il.table(r.flock()).conflict(r.owner(), r.start(), r.end(), r.type()));
    } finally {
      mu.unlock();
    }
  }

  /**
   * F_SETLK (waitUntilNanos = null) or F_SETLKW. Returns true once set; false when a blocking
   * request is still blocked at {@code waitUntilNanos} ({@link System#nanoTime()} scale).
   *
   * @throws StrataException WOULD_BLOCK (non-blocking, conflicting), DEADLOCK, INTERRUPTED
   *     (cancelled), SESSION_EXPIRED (the session is gone)
   */
  public boolean setlk(Request r, Long waitUntilNanos) {
    mu.lock();
    try {
      checkLive(r.owner());
      InodeLocks il = inodes.computeIfAbsent(r.ino(), k -> new InodeLocks(mu.newCondition()));
      RangeTable table = il.table(r.flock());
      if (r.flock() && r.type() != LockRange.F_UNLCK
          && table.removeIf(l -> l.owner().equals(r.owner()) && l.type() != r.type())) {
        // flock(2) conversion is not atomic on Linux: the old lock goes first, so two readers
        // upgrading at once cannot deadlock (and a failed LOCK_NB upgrade leaves no lock).
        il.changed.signalAll();
      }
      LockRange conflict = table.conflict(r.owner(), r.start(), r.end(), r.type());
      if (conflict == null) {
        grant(il, table, r);
        return true;
      }
      if (waitUntilNanos == null) {
        dropIfIdle(r.ino(), il);
        throw StrataException.of(
            StatusCode.WOULD_BLOCK, "inode %d: [%d, %d] is locked by pid %d", r.ino(), conflict.start(),
            conflict.end(), conflict.pid());
      }
      Waiter w = new Waiter(r.owner(), r.ino(), r.flock());
      il.waiters++;
      waiters.add(w);
      try {
        while (true) {
          if (!r.flock()) {
            w.blockedBy = conflict.owner();
            if (closesCycle(r.owner(), conflict.owner())) {
              throw StrataException.of(
                  StatusCode.DEADLOCK, "inode %d: waiting for pid %d would deadlock", r.ino(), conflict.pid());
            }
          }
          long left = waitUntilNanos - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          il.changed.awaitNanos(left);
          if (w.cancelled) {
            throw StrataException.of(StatusCode.INTERRUPTED, "inode %d: lock wait cancelled", r.ino());
          }
          checkLive(r.owner());
          conflict = table.conflict(r.owner(), r.start(), r.end(), r.type());
          if (conflict == null) {
            grant(il, table, r);
            return true;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StrataException(StatusCode.INTERRUPTED, "interrupted while waiting for a lock", e);
      } finally {
        waiters.remove(w);
        il.waiters--;
        dropIfIdle(r.ino(), il);
      }
    } finally {
      mu.unlock();
    }
  }

  /** Drops every lock of {@code owner} of one kind on {@code ino} (close, last release). */
  public void unlockOwner(long ino, LockOwner owner, boolean flock) {
    mu.lock();
    try {
      InodeLocks il = inodes.get(ino);
      if (il != null && il.table(flock).removeIf(l -> l.owner().equals(owner))) {
        il.changed.signalAll();
        dropIfIdle(ino, il);
      }
    } finally {
      mu.unlock();
    }
  }

  /** Ends the parked requests of {@code owner} on {@code ino} with INTERRUPTED; returns how many. */
  public int cancelWait(long ino, LockOwner owner, boolean flock) {
    mu.lock();
    try {
      int n = 0;
      for (Waiter w : waiters) {
        if (w.ino == ino && w.flock == flock && w.owner.equals(owner)) {
          w.cancelled = true;
          n++;
        }
      }
      if (n > 0) {
        inodes.get(ino).changed.signalAll();
      }
      return n;
    } finally {
      mu.unlock();
    }
  }

  /**
   * Drops every lock of a session that ended (closed or expired) and wakes every waiter of it
   * (they fail with SESSION_EXPIRED) and of the inodes it held locks on. Call after the session
   * stopped being live, so no request of it can be granted afterwards.
   */
  public void releaseSession(long session) {
    mu.lock();
    try {
      Set<Long> touched = new HashSet<>();
      for (Waiter w : waiters) {
        if (w.owner.session() == session) {
          touched.add(w.ino);
        }
      }
      for (var it = inodes.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        InodeLocks il = e.getValue();
        boolean removed = il.posix.removeIf(l -> l.owner().session() == session);
        removed |= il.flock.removeIf(l -> l.owner().session() == session);
        if (removed) {
          touched.add(e.getKey());
        }
        if (removed || touched.contains(e.getKey())) {
          il.changed.signalAll();
        }
        if (il.idle()) {
          it.remove();
        }
      }
    } finally {
      mu.unlock();
    }
  }

  /** Drops every lock (the server stops being leader); waiters fail with INTERRUPTED. */
  public void clear() {
    mu.lock();
    try {
      for (Waiter w : waiters) {
        w.cancelled = true;
      }
      for (InodeLocks il : inodes.values()) {
        il.posix.removeIf(l -> true);
        il.flock.removeIf(l -> true);
        il.changed.signalAll();
      }
      inodes.values().removeIf(InodeLocks::idle);
    } finally {
      mu.unlock();
    }
  }

  /** The locks held on {@code ino} of one kind (tests, diagnostics). */
  public List<LockRange> held(long ino, boolean flock) {
    mu.lock();
    try {
      InodeLocks il = inodes.get(ino);
      return il == null ? List.of() : il.table(flock).snapshot();
    } finally {
      mu.unlock();
    }
  }

  /** How many requests are parked (tests, diagnostics). */
  public int waiting() {
    mu.lock();
    try {
      return waiters.size();
    } finally {
      mu.unlock();
    }
  }

  private void grant(InodeLocks il, RangeTable table, Request r) {
    table.apply(r.owner(), r.start(), r.end(), r.type(), r.pid());
    // Unlocks and downgrades (write → read, shrinking) can unblock others: wake them to re-check.
    il.changed.signalAll();
    dropIfIdle(r.ino(), il);
  }

  private void dropIfIdle(long ino, InodeLocks il) {
    if (il.idle()) {
      inodes.remove(ino, il);
    }
  }

  private void checkLive(LockOwner owner) {
    if (!sessionLive.test(owner.session())) {
      throw StrataException.of(
          StatusCode.SESSION_EXPIRED, "session %d expired or unknown: open a new session", owner.session());
    }
  }

  /**
   * Whether {@code me} waiting for {@code holder} closes a cycle: follows what each POSIX owner
   * waits for (its first blocker, as Linux's posix_locks_deadlock does) from holder back to me.
   */
  private boolean closesCycle(LockOwner me, LockOwner holder) {
    Set<LockOwner> seen = new HashSet<>();
    LockOwner cur = holder;
    while (cur != null && seen.add(cur)) {
      if (cur.equals(me)) {
        return true;
      }
      LockOwner next = null;
      for (Waiter w : waiters) {
        if (!w.flock && w.owner.equals(cur) && w.blockedBy != null) {
          next = w.blockedBy;
          break;
        }
      }
      cur = next;
    }
    return false;
  }
}
