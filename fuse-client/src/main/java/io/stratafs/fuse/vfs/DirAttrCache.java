package io.stratafs.fuse.vfs;

import io.stratafs.protocol.meta.Attr;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A directory's attributes as this client's own last change in it left them (the server returns
 * them with create, mkdir, unlink...), kept for one GETATTR within the attribute timeout. The
 * kernel drops a directory's cached attributes after every change in it and, with
 * default_permissions, asks for them again before the next change: without this each create or
 * unlink costs one more metadata round trip. What it answers is what the server said right after
 * the change, and it answers at most once and for no longer than the kernel itself would cache a
 * GETATTR reply, so other clients' changes show up exactly as soon as they would otherwise.
 * Thread-safe.
 */
final class DirAttrCache {
  /** Entries nobody asked for are pruned once the map grows past this. */
  private static final int PRUNE_AT = 4096;

  private record Entry(Attr attr, long bornNanos) {}

  private final long ttlNanos;
  private final LongSupplier clock;
  private final Map<Long, Entry> entries = new ConcurrentHashMap<>();

  DirAttrCache(Duration ttl, LongSupplier nanoClock) {
    this.ttlNanos = ttl.toNanos();
    this.clock = nanoClock;
  }

  /** Remembers the directory's attributes right after a change this client made in it. */
  void changed(long dirIno, Attr attr) {
    if (ttlNanos <= 0) {
      return;
    }
    // Two changes racing in one directory: keep the later state (their replies may cross).
    entries.merge(
        dirIno, new Entry(attr, clock.getAsLong()),
        (old, fresh) -> fresh.attr().getCtimeNs() >= old.attr().getCtimeNs() ? fresh : old);
    if (entries.size() > PRUNE_AT) {
      long now = clock.getAsLong();
      entries.values().removeIf(e -> now - e.bornNanos() >= ttlNanos);
    }
  }

  /** The remembered attributes if still fresh, consumed; null otherwise (ask the server). */
  Attr take(long dirIno) {
    Entry e = entries.remove(dirIno);
    if (e == null || clock.getAsLong() - e.bornNanos() >= ttlNanos) {
      return null;
    }
    return e.attr();
  }

  /** A change whose resulting attributes are unknown here (chmod, xattrs): forget them. */
  void forget(long ino) {
    entries.remove(ino);
  }

  /** A change that may touch directories not named in it (rename moves one): forget everything. */
  void forgetAll() {
    entries.clear();
  }
}
