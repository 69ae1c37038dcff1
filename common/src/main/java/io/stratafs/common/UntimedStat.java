package io.stratafs.common;

import java.io.IOException;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * A file's size and link count by descriptor, without looking at its timestamps (ADR 029).
 *
 * <p>Since Linux 6.13 a stat that returns an inode's timestamps, as {@code fstat} and {@code
 * FileChannel.size()} do, marks them queried, and the next write to the file then stamps a
 * fine-grained mtime where the coarse clock would have left it as it was. Asked on every write,
 * that dirties the inode on every write, and on ext4 without a journal every {@code fdatasync}
 * then writes the inode block as well: one more device write per sync. {@code statx(2)} with a
 * mask of only the size and the link count leaves the timestamps unqueried. Where statx is
 * missing (glibc before 2.28, Linux before 4.11) this falls back to fstat. Linux only.
 * Thread-safe.
 */
public final class UntimedStat {
  private static final int EINTR = 4;
  private static final int ENOSYS = 38;
  private static final int AT_EMPTY_PATH = 0x1000;
  private static final int STATX_NLINK = 0x4;
  private static final int STATX_SIZE = 0x200;
  /** {@code struct statx}: 256 bytes; stx_mask at 0, stx_nlink (u32) at 16, stx_size (u64) at 40. */
  private static final int STATX_BYTES = 256;
  private static final int MASK_OFFSET = 0;
  private static final int NLINK_OFFSET = 16;
  private static final int SIZE_OFFSET = 40;

  public interface LibC {
    @SaveError
    int statx(int dirfd, String path, int flags, int mask, Pointer statxbuf);
  }

  private static final POSIX POSIX = POSIXFactory.getNativePOSIX();
  private static final LibC LIBC = load();
  private static final ThreadLocal<Pointer> STATX =
      ThreadLocal.withInitial(() -> Memory.allocateDirect(Runtime.getRuntime(LIBC), STATX_BYTES));
  private static final ThreadLocal<FileStat> FSTAT = ThreadLocal.withInitial(POSIX::allocateStat);
  private static volatile boolean statxWorks = LIBC != null;

  private UntimedStat() {}

  private static LibC load() {
    try {
      return LibraryLoader.create(LibC.class).load("c");
    } catch (LinkageError | RuntimeException e) {
      return null;
    }
  }

  /** The file's size in bytes. */
  public static long size(int fd) throws IOException {
    return stat(fd, false);
  }

  /** The file's size, or -1 when it has no link left: it was deleted while held open. */
  public static long linkedSize(int fd) throws IOException {
    return stat(fd, true);
  }

  /** Whether sizes come from statx; false where only fstat is available. */
  static boolean usesStatx() {
    return statxWorks;
  }

  private static long stat(int fd, boolean unlinkedIsMinusOne) throws IOException {
    if (statxWorks) {
      Pointer buf = STATX.get();
      int mask = STATX_SIZE | (unlinkedIsMinusOne ? STATX_NLINK : 0);
      int rc = statx(fd, mask, buf);
      if (rc == 0 && (buf.getInt(MASK_OFFSET) & mask) == mask) {
        boolean unlinked = unlinkedIsMinusOne && buf.getInt(NLINK_OFFSET) == 0;
        return unlinked ? -1 : buf.getLong(SIZE_OFFSET);
      }
      if (rc != 0 && rc != ENOSYS) {
        throw new IOException("statx of descriptor " + fd + " failed: errno " + rc);
      }
      if (rc == ENOSYS) {
        statxWorks = false; // the kernel (or a seccomp filter) has no statx: fstat from now on
      }
      // Otherwise the filesystem did not supply the size or link count: ask fstat this time.
    }
    FileStat st = FSTAT.get();
    if (POSIX.fstat(fd, st) < 0) {
      throw new IOException("fstat of descriptor " + fd + " failed: errno " + POSIX.errno());
    }
    return unlinkedIsMinusOne && st.nlink() == 0 ? -1 : st.st_size();
  }

  /** 0 or the errno of statx; ENOSYS also when the C library has no statx. */
  private static int statx(int fd, int mask, Pointer buf) {
    try {
      while (true) {
        if (LIBC.statx(fd, "", AT_EMPTY_PATH, mask, buf) == 0) {
          return 0;
        }
        int errno = LastError.getLastError(Runtime.getRuntime(LIBC));
        if (errno != EINTR) {
          return errno;
        }
      }
    } catch (UnsatisfiedLinkError e) {
      return ENOSYS;
    }
  }
}
