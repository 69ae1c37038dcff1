package io.stratafs.fuse.vfs;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Open directory handles → their readdir cursors. Thread-safe. */
final class DirHandles {
  private final AtomicLong nextHandle;
  private final Map<Long, DirCursor> cursors = new ConcurrentHashMap<>();
  private final Map<Long, Long> inodeOf = new ConcurrentHashMap<>();

  DirHandles(AtomicLong nextHandle) {
    this.nextHandle = nextHandle;
  }

  long open(long ino) {
    long fh = nextHandle.incrementAndGet();
    inodeOf.put(fh, ino);
    cursors.put(fh, new DirCursor(ino));
    return fh;
  }

  /** @throws StrataException BAD_HANDLE when {@code fh} is not an open handle of directory {@code ino} */
  DirCursor get(long ino, long fh) {
    DirCursor c = cursors.get(fh);
    Long owner = inodeOf.get(fh);
    if (c == null || owner == null || owner != ino) {
      throw StrataException.of(StatusCode.BAD_HANDLE, "no open directory handle %d for inode %d", fh, ino);
    }
    return c;
  }

  void close(long fh) {
    cursors.remove(fh);
    inodeOf.remove(fh);
  }
}
