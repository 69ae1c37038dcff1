package io.stratafs.fuse.vfs;

import io.stratafs.protocol.meta.Attr;
import io.stratafs.protocol.meta.StatFsReply;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The FUSE-agnostic filesystem the kernel adapter drives: inode-based, one method per operation.
 * Unit tests drive it without a kernel. Every method may block (it is called on a worker thread)
 * and reports failures by throwing {@link io.stratafs.common.StrataException}; the kernel adapter
 * maps the code to an errno, once. Implementations are thread-safe.
 *
 * <p>Inode 1 is the root. File handles ({@code fh}) are chosen by the implementation at
 * open/create/opendir and passed back unchanged until release/releasedir.
 */
public interface Vfs extends AutoCloseable {
  /** Entry found by lookup/create/mkdir...: the attributes, cached by the kernel for a while. */
  Attr lookup(VfsContext ctx, long parent, byte[] name);

  /** A lookup's answer and how long ago the server gave it (an implementation may look ahead). */
  record Entry(Attr attr, long ageNanos) {}

  /**
   * Like {@link #lookup}, with the answer's age: the kernel caches it for its timeouts less that,
   * so an answer kept from an earlier call leaves the kernel's cache when a fresh one would.
   */
  default Entry lookupEntry(VfsContext ctx, long parent, byte[] name) {
    return new Entry(lookup(ctx, parent, name), 0);
  }

  /** The kernel dropped {@code nlookup} references to {@code ino}. */
  void forget(long ino, long nlookup);

  Attr getattr(VfsContext ctx, long ino, long fh);

  /** fh is the open handle when the change comes through one (ftruncate, fchmod), else -1. */
  Attr setattr(VfsContext ctx, long ino, SetAttrChange change, long fh);

  Attr mknod(VfsContext ctx, long parent, byte[] name, int mode, int umask, long rdev);

  Attr mkdir(VfsContext ctx, long parent, byte[] name, int mode, int umask);

  void unlink(VfsContext ctx, long parent, byte[] name);

  void rmdir(VfsContext ctx, long parent, byte[] name);

  Attr symlink(VfsContext ctx, long parent, byte[] name, byte[] target);

  byte[] readlink(VfsContext ctx, long ino);

  Attr link(VfsContext ctx, long ino, long newParent, byte[] newName);

  /** flags as renameat2: RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2. */
  void rename(VfsContext ctx, long parent, byte[] name, long newParent, byte[] newName, int flags);

  /** Opens a file; flags are open(2) flags. Returns the handle. */
  long open(VfsContext ctx, long ino, int flags);

  /** Creates and opens a regular file. */
  Created create(VfsContext ctx, long parent, byte[] name, int mode, int umask, int flags);

  record Created(Attr attr, long fh) {}

  /**
   * Reads up to {@code dst.remaining()} bytes at {@code offset} into {@code dst} (a direct buffer
   * the reply is sent from). Returns the number of bytes read; fewer only at end of file.
   */
  int read(VfsContext ctx, long ino, long fh, long offset, ByteBuffer dst);

  /**
   * Writes {@code src.remaining()} bytes at {@code offset}. {@code src} is only valid during the
   * call (it is the kernel request buffer): copy what you keep. Returns the bytes written.
   */
  int write(VfsContext ctx, long ino, long fh, long offset, ByteBuffer src, int flags);

  /** close(2) on one descriptor of the handle: make written data visible (close-to-open). */
  void flush(VfsContext ctx, long ino, long fh, long lockOwner);

  /** Last close of the handle. */
  void release(VfsContext ctx, long ino, long fh, int flags);

  /** Makes the file's data (and metadata unless datasync) durable. */
  void fsync(VfsContext ctx, long ino, long fh, boolean datasync);

  long opendir(VfsContext ctx, long ino, int flags);

  /**
   * Lists entries from position {@code offset} (0 = start; later values are ones this method
   * handed to the filler). Includes "." and "..". Stops when the filler returns false.
   */
  void readdir(VfsContext ctx, long ino, long fh, long offset, boolean plus, DirFiller filler);

  /** Receives directory entries; returns false when the reply buffer is full. */
  @FunctionalInterface
  interface DirFiller {
    /**
     * @param attr full attributes for readdirplus (null for plain readdir)
     * @param nextOffset the position to resume from after this entry
     */
    boolean add(byte[] name, long ino, int mode, Attr attr, long nextOffset);
  }

  void releasedir(VfsContext ctx, long ino, long fh);

  void fsyncdir(VfsContext ctx, long ino, long fh, boolean datasync);

  StatFsReply statfs(VfsContext ctx, long ino);

  /** flags: XATTR_CREATE = 1, XATTR_REPLACE = 2. */
  void setxattr(VfsContext ctx, long ino, byte[] name, byte[] value, int flags);

  byte[] getxattr(VfsContext ctx, long ino, byte[] name);

  List<byte[]> listxattr(VfsContext ctx, long ino);

  void removexattr(VfsContext ctx, long ino, byte[] name);

  /** access(2) mask: R_OK 4, W_OK 2, X_OK 1, F_OK 0. */
  void access(VfsContext ctx, long ino, int mask);

  /**
   * F_GETLK (and flock's test): the lock that would block {@code lock} for {@code owner}, or
   * {@link FileLock#unlocked()} when none would. Locks are advisory and filesystem-wide: held by
   * other processes on this mount and on other mounts alike.
   */
  FileLock getlk(VfsContext ctx, long ino, long fh, long owner, FileLock lock);

  /**
   * F_SETLK / F_SETLKW, or flock(2) when {@code flock} (whole file; independent of POSIX locks).
   * Without {@code sleep} a conflicting lock fails with WOULD_BLOCK; with it the call waits until
   * granted, DEADLOCK, or {@code interruption} (INTERRUPTED). F_UNLCK never waits.
   */
  void setlk(
      VfsContext ctx, long ino, long fh, long owner, FileLock lock, boolean flock, boolean sleep,
      Interruption interruption);

  /**
   * Drops the POSIX locks of {@code owner} (a process's lock owner) on {@code ino}: the kernel
   * sends it with FLUSH on every close(2), and POSIX releases a process's locks on any close.
   */
  void unlockPosix(VfsContext ctx, long ino, long owner);

  /**
   * The last close of handle {@code fh}: drops the flock lock of {@code flockOwner} when {@code
   * flockUnlock} (FUSE_RELEASE_FLOCK_UNLOCK) and the POSIX locks taken through this handle by
   * owners that are not processes (open-file-description locks, F_OFD_SETLK).
   */
  void releaseLocks(VfsContext ctx, long ino, long fh, boolean flockUnlock, long flockOwner);

  /** Unmounting: flush everything, close the session. */
  @Override
  void close();

  /** fallocate(2) mode: do not change the file size (linux/falloc.h). */
  int FALLOC_FL_KEEP_SIZE = 0x01;

  /** fallocate(2) mode: deallocate the range so it reads as zeros; always with KEEP_SIZE. */
  int FALLOC_FL_PUNCH_HOLE = 0x02;

  /**
   * fallocate(2) through an open handle. Mode 0 grows the size to {@code offset + length} when
   * that is larger; {@link #FALLOC_FL_KEEP_SIZE} leaves the size; {@code PUNCH_HOLE | KEEP_SIZE}
   * makes the range read as zeros. Other modes are NOT_SUPPORTED (EOPNOTSUPP, never ENOSYS, which
   * would make the kernel stop sending fallocate altogether).
   */
  void fallocate(VfsContext ctx, long ino, long fh, int mode, long offset, long length);
}
