package io.stratafs.fuse.vfs;

import com.google.protobuf.ByteString;
import io.stratafs.protocol.meta.Attr;
import io.stratafs.protocol.meta.DirEntry;
import io.stratafs.protocol.meta.LookupReply;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Stat-ahead: answers the lookups of a scan that walks a directory in name order ({@code stat} of
 * every file, {@code find}, {@code du}, {@code rsync}, {@code ls -l} when the kernel does not use
 * readdirplus) from the entries the server sent ahead with an earlier lookup, instead of one
 * metadata round trip per name.
 *
 * <p>A directory's second lookup of a name after the one before asks for a window of the entries
 * that follow it, unless this mount changed something in between (an unlink or create loop
 * would end the window before its first use). The window doubles while the scan uses at least half of it, up to the mount's
 * limit, and shrinks back to the first size when the scan stops using it. A lookup of a name
 * before the previous one (not a scan) asks for nothing ahead.
 *
 * <p>What a window answers is never staler than what the kernel would cache anyway:
 *
 * <ul>
 *   <li>A window lives at most {@code ttl} (the mount's shorter kernel timeout), and each answer
 *       carries its age, which the kernel reply takes off its timeouts: an entry the server gave
 *       at time t leaves every cache by t + timeout, as if the kernel had asked at t.
 *   <li>Any change this mount sends to the metadata service (create, unlink, rename, setattr, a
 *       write's commit...) ends every window fetched before it ended: {@code changes} must read
 *       the same as when the window's lookup was sent.
 *   <li>A window serves only the caller identity (uid, gid, groups) that fetched it, and only
 *       names it holds: a miss asks the server, so "no such name" never comes from here.
 * </ul>
 *
 * <p>Memory is bounded: at most {@value #DIRECTORIES} directories, each with one window of at
 * most {@code maxEntries}. Thread-safe.
 */
final class StatAhead {
  static final int FIRST_WINDOW = 32;
  static final int DIRECTORIES = 16;

  /** The answer to one lookup from a window and how old it is. */
  record Hit(Attr attr, long ageNanos) {}

  private record Identity(int uid, int gid, int[] groups) {
    static Identity of(VfsContext ctx) {
      return new Identity(ctx.uid(), ctx.gid(), ctx.groups());
    }

    boolean same(Identity o) {
      return uid == o.uid && gid == o.gid && Arrays.equals(groups, o.groups);
    }
  }

  /** One directory's scan: the last name looked up, the window, the next window's size. */
  private static final class Scan {
    byte[] lastName;
    int nextWindow = FIRST_WINDOW;
    Map<ByteString, Attr> window = Map.of();
    Identity owner;
    long fetchedAtNanos;
    long changesAtFetch;
    long changesAtLastLookup;
    int hits;
  }

  private final int maxEntries;
  private final long ttlNanos;
  private final LongSupplier clock;
  private final LongSupplier changes;
  private final Map<Long, Scan> scans =
      new LinkedHashMap<>(DIRECTORIES * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Scan> eldest) {
          return size() > DIRECTORIES;
        }
      };

  /**
   * @param maxEntries the largest window; 0 turns stat-ahead off
   * @param ttl how long a window answers; 0 turns stat-ahead off
   * @param changes the count of changes this client sent (MetaClient#changes)
   */
  StatAhead(int maxEntries, Duration ttl, LongSupplier nanoClock, LongSupplier changes) {
    this.maxEntries = ttl.isZero() ? 0 : maxEntries;
    this.ttlNanos = ttl.toNanos();
    this.clock = nanoClock;
    this.changes = changes;
  }

  /** The entry of {@code name} from a live window of {@code dir}, or null: ask the server. */
  synchronized Hit answer(VfsContext ctx, long dir, byte[] name) {
    if (maxEntries == 0) {
      return null;
    }
    Scan s = scans.get(dir);
    if (s == null || s.window.isEmpty()) {
      return null;
    }
    long age = clock.getAsLong() - s.fetchedAtNanos;
    if (age >= ttlNanos || s.changesAtFetch != changes.getAsLong()) {
      s.window = Map.of();
      return null;
    }
    if (!s.owner.same(Identity.of(ctx))) {
      return null;
    }
    Attr attr = s.window.get(ByteString.copyFrom(name));
    if (attr == null) {
      return null;
    }
    s.hits++;
    s.lastName = name;
    s.changesAtLastLookup = s.changesAtFetch;
    return new Hit(attr, age);
  }

  /**
   * How many entries after {@code name} to ask for with its lookup (0: none), noting the name as
   * the directory's latest. Call it after {@link #answer} missed and before the lookup is sent.
   */
  synchronized int aheadFor(long dir, byte[] name) {
    if (maxEntries == 0) {
      return 0; // "." and "..": the server sends nothing ahead of them (LookupOp)
    }
    Scan s = scans.computeIfAbsent(dir, d -> new Scan());
    boolean ascending = s.lastName != null && Arrays.compareUnsigned(name, s.lastName) > 0;
    // A change of this mount's since the previous lookup here (an unlink or create loop, rm -r)
    // would end a window before its first use: such a walk gets none.
    long now = changes.getAsLong();
    boolean quiet = s.changesAtLastLookup == now;
    s.changesAtLastLookup = now;
    s.lastName = name;
    if (!ascending || !quiet) {
      s.nextWindow = FIRST_WINDOW;
      return 0;
    }
    int asked = s.window.size();
    if (asked > 0 && s.hits * 2 >= asked) {
      s.nextWindow = Math.min(maxEntries, Math.max(FIRST_WINDOW, asked * 2));
    } else if (asked > 0) {
      // The scan skipped most of the last window: ask for nothing this time, start small next.
      s.window = Map.of();
      s.nextWindow = FIRST_WINDOW;
      return 0;
    }
    return Math.min(maxEntries, s.nextWindow);
  }

  /**
   * Keeps the entries a lookup sent ahead: the lookup was sent at {@code sentAtNanos}, when
   * {@code changes} read {@code changesBefore}.
   */
  synchronized void fetched(VfsContext ctx, long dir, long changesBefore, long sentAtNanos, LookupReply reply) {
    if (maxEntries == 0 || reply.getFollowingCount() == 0 || changesBefore != changes.getAsLong()) {
      return;
    }
    Scan s = scans.computeIfAbsent(dir, d -> new Scan());
    Map<ByteString, Attr> window = new HashMap<>(reply.getFollowingCount() * 2);
    for (DirEntry e : reply.getFollowingList()) {
      if (e.hasAttr()) {
        window.put(e.getName(), e.getAttr());
      }
    }
    s.window = window;
    s.owner = Identity.of(ctx);
    // The send time, not the reply's: the server read the entries somewhere in between.
    s.fetchedAtNanos = sentAtNanos;
    s.changesAtFetch = changesBefore;
    s.hits = 0;
  }
}
