package io.stratafs.fuse.vfs;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.Attr;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The handles this client has open: handle number → {@link FileHandle}, and inode → {@link
 * OpenFile} shared by every handle of the inode (kept while at least one handle is open).
 * Thread-safe: registration and release are serialized on {@code this}; lookups are lock-free.
 */
final class OpenFiles {
  private final IoServices io;
  private final long writeBufferBytes;
  private final Duration mtimeGranularity;
  private final WriteBudget budget;
  private final AtomicLong nextHandle;
  private final Map<Long, FileHandle> handles = new ConcurrentHashMap<>();
  private final Map<Long, OpenFile> inodes = new ConcurrentHashMap<>();
  private final Map<Long, Integer> handleCounts = new HashMap<>();

  OpenFiles(IoServices io, long writeBufferBytes, Duration mtimeGranularity, WriteBudget budget, AtomicLong nextHandle) {
    this.io = io;
    this.writeBufferBytes = writeBufferBytes;
    this.mtimeGranularity = mtimeGranularity;
    this.budget = budget;
    this.nextHandle = nextHandle;
  }

  /** Registers a new handle on the inode described by {@code attr}. */
  synchronized FileHandle open(Attr attr, int flags) {
    long ino = attr.getIno();
    OpenFile file = inodes.get(ino);
    if (file == null) {
      file = new OpenFile(ino, attr.getSize(), io, writeBufferBytes, mtimeGranularity, budget);
      inodes.put(ino, file);
    } else {
      file.observe(attr);
    }
    handleCounts.merge(ino, 1, Integer::sum);
    FileHandle h = new FileHandle(nextHandle.incrementAndGet(), file, flags);
    handles.put(h.fh(), h);
    return h;
  }

  /** @throws StrataException BAD_HANDLE when {@code fh} is not an open handle of {@code ino} */
  FileHandle get(long ino, long fh) {
    FileHandle h = handles.get(fh);
    if (h == null || h.file().ino != ino) {
      throw StrataException.of(StatusCode.BAD_HANDLE, "no open file handle %d for inode %d", fh, ino);
    }
    return h;
  }

  /** The shared state of {@code ino} when some handle has it open, else null. */
  OpenFile inode(long ino) {
    return inodes.get(ino);
  }

  /** Removes the handle; returns true when it was the inode's last one (the OpenFile is dropped). */
  synchronized boolean close(FileHandle h) {
    if (handles.remove(h.fh()) == null) {
      return false;
    }
    long ino = h.file().ino;
    int left = handleCounts.merge(ino, -1, Integer::sum);
    if (left <= 0) {
      handleCounts.remove(ino);
      inodes.remove(ino);
      return true;
    }
    return false;
  }

  /** Every inode with open handles, for the final flush at unmount. */
  Iterable<OpenFile> all() {
    return inodes.values();
  }
}
