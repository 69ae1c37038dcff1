package io.stratafs.meta.locks;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The locks of one kind (POSIX or flock) on one inode, with POSIX semantics: an owner's own
 * locks never conflict with each other, and setting a lock over a range replaces whatever the
 * owner held there — splitting an older lock that sticks out on either side and merging with
 * adjacent or overlapping locks of the same type — so each owner holds disjoint, maximal ranges.
 * Read locks share, a write lock excludes every other owner. F_UNLCK over a range removes the
 * owner's locks there (splitting as needed). Not thread-safe: {@link LockManager} guards it.
 */
final class RangeTable {
  private final List<LockRange> held = new ArrayList<>();

  /** The first lock of another owner that blocks the request, or null. */
  LockRange conflict(LockOwner owner, long start, long end, int type) {
    if (type == LockRange.F_UNLCK) {
      return null;
    }
    for (LockRange r : held) {
      if (r.blocks(owner, start, end, type)) {
        return r;
      }
    }
    return null;
  }

  /** Sets (or with F_UNLCK clears) the owner's lock over [start, end]; call after {@link #conflict}. */
  void apply(LockOwner owner, long start, long end, int type, int pid) {
    long newStart = start;
    long newEnd = end;
    List<LockRange> kept = new ArrayList<>(held.size() + 2);
    for (LockRange r : held) {
      if (!r.owner().equals(owner)) {
        kept.add(r);
        continue;
      }
      boolean touches = r.overlaps(start, end) || adjacent(r, start, end);
      if (!touches) {
        kept.add(r);
        continue;
      }
      if (type != LockRange.F_UNLCK && r.type() == type) {
        // Same type: absorb it into the new lock (merge), whether it overlaps or only touches.
        newStart = Math.min(newStart, r.start());
        newEnd = Math.max(newEnd, r.end());
        continue;
      }
      if (!r.overlaps(start, end)) {
        kept.add(r); // adjacent with another type: stays as is
        continue;
      }
      // Different type (or unlock): keep the parts sticking out on either side.
      if (r.start() < start) {
        kept.add(new LockRange(owner, r.start(), start - 1, r.type(), r.pid()));
      }
      if (r.end() > end) {
        kept.add(new LockRange(owner, end + 1, r.end(), r.type(), r.pid()));
      }
    }
    if (type != LockRange.F_UNLCK) {
      kept.add(new LockRange(owner, newStart, newEnd, type, pid));
    }
    held.clear();
    held.addAll(kept);
  }

  private static boolean adjacent(LockRange r, long start, long end) {
    return (r.end() != LockRange.EOF && r.end() + 1 == start) || (end != LockRange.EOF && end + 1 == r.start());
  }

  /** Removes every lock matching {@code which}; returns whether any was removed. */
  boolean removeIf(Predicate<LockRange> which) {
    return held.removeIf(which);
  }

  boolean isEmpty() {
    return held.isEmpty();
  }

  /** The held locks, for tests and diagnostics. */
  List<LockRange> snapshot() {
    return List.copyOf(held);
  }
}
