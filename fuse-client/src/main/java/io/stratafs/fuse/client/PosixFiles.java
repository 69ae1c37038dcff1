package io.stratafs.fuse.client;

import io.stratafs.common.UntimedStat;
import java.io.IOException;
import java.nio.ByteBuffer;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * Reading local files by descriptor (opened with {@link io.stratafs.common.ReadOnlyDescriptors})
 * through jnr-posix, for short-circuit reads. Unlike a
 * FileChannel, a descriptor can be stat'ed, and its link count says whether the file is
 * still in its directory: one cheap call on a held file instead of a stat of its path (a walk of
 * four directories and a JNI object per call, which was a fifth of the mount's CPU in a 4 KiB
 * random read). Linux constants: the mount runs on Linux only. Thread-safe; the caller owns each
 * descriptor and must not close one another thread may still be reading.
 */
final class PosixFiles {
  private static final int EINTR = 4;

  private static final POSIX POSIX = POSIXFactory.getNativePOSIX();

  private PosixFiles() {}


  /**
   * The file's size, or -1 when it has no link left: it was deleted while held open. Asked
   * without the timestamps, so the storage daemon's next write to the file does not stamp a
   * fine-grained mtime and cost its next fdatasync a device write (ADR 029).
   */
  static long linkedSize(int fd) throws IOException {
    return UntimedStat.linkedSize(fd);
  }

  /**
   * Fills {@code dst} (direct) from its position to its limit with the bytes at {@code position},
   * moving its position; false when the file ends first.
   */
  static boolean readFully(int fd, ByteBuffer dst, long position) throws IOException {
    long at = position;
    while (dst.hasRemaining()) {
      ByteBuffer window = dst.slice(); // jnr passes the buffer's base address: start it at 0
      long n = POSIX.pread(fd, window, window.remaining(), at);
      if (n < 0) {
        int errno = POSIX.errno();
        if (errno == EINTR) {
          continue;
        }
        throw new IOException("pread of descriptor " + fd + " at " + at + " failed: errno " + errno);
      }
      if (n == 0) {
        return false;
      }
      dst.position(dst.position() + (int) n);
      at += n;
    }
    return true;
  }

  /** Reads {@code dst.length} bytes at {@code position}; false when fewer came back. */
  static boolean read(int fd, byte[] dst, long position) throws IOException {
    while (true) {
      long n = POSIX.pread(fd, dst, dst.length, position);
      if (n >= 0) {
        return n == dst.length;
      }
      int errno = POSIX.errno();
      if (errno != EINTR) {
        throw new IOException("pread of descriptor " + fd + " at " + position + " failed: errno " + errno);
      }
    }
  }
}
