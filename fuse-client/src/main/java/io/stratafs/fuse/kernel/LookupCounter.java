package io.stratafs.fuse.kernel;

import io.stratafs.fuse.vfs.Vfs;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lookup references the kernel holds per inode: +1 for each entry handed out (LOOKUP, CREATE,
 * MKDIR, MKNOD, SYMLINK, LINK replies and readdirplus entries other than "." and ".."), minus
 * what FORGET/BATCH_FORGET drop, which is passed on to {@link Vfs#forget}. A hand-out whose reply
 * the kernel refused (interrupted request) is taken back the same way, so the Vfs sees a
 * balanced count. The root is never forgotten. Thread-safe.
 */
final class LookupCounter {
  private static final Logger log = LoggerFactory.getLogger(LookupCounter.class);

  private final Vfs vfs;
  private final ConcurrentHashMap<Long, Long> counts = new ConcurrentHashMap<>();

  LookupCounter(Vfs vfs) {
    this.vfs = vfs;
  }

  void handedOut(long ino) {
    counts.merge(ino, 1L, Long::sum);
  }

  /** The kernel dropped {@code n} references (or a reply carrying them was refused). */
  void forget(long ino, long n) {
    counts.compute(
        ino,
        (k, v) -> {
          long have = v == null ? 0 : v;
          if (n > have && ino != FuseConstants.ROOT_ID) {
            log.warn("kernel forgot {} lookups of inode {} but only {} were handed out", n, ino,
                have);
          }
          long left = have - n;
          return left > 0 ? left : null;
        });
    vfs.forget(ino, n);
  }

  long count(long ino) {
    return counts.getOrDefault(ino, 0L);
  }

  int trackedInodes() {
    return counts.size();
  }
}
