package io.stratafs.common;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * Read-only file descriptors, opened through jnr-posix, for the calls a {@code FileChannel} does
 * not offer ({@code fstat}, {@code pread} into a given address, {@code sync_file_range}). Linux
 * constants: the mount and the storage daemon run on Linux only. Thread-safe; the caller owns each
 * descriptor and must not close one another thread may still be using.
 */
public final class ReadOnlyDescriptors {
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;
  private static final int ENOENT = 2;
  private static final int EINTR = 4;
  private static final POSIX POSIX = POSIXFactory.getNativePOSIX();

  private ReadOnlyDescriptors() {}

  /**
   * A read-only descriptor of {@code path}.
   *
   * @throws NoSuchFileException when it does not exist
   */
  public static int open(Path path) throws IOException {
    String name = path.toString();
    while (true) {
      int fd = POSIX.open(name, O_RDONLY | O_CLOEXEC, 0);
      if (fd >= 0) {
        return fd;
      }
      int errno = POSIX.errno();
      if (errno == ENOENT) {
        throw new NoSuchFileException(name);
      }
      if (errno != EINTR) {
        throw new IOException("open " + name + " failed: errno " + errno);
      }
    }
  }

  public static void close(int fd) {
    POSIX.close(fd); // read-only: nothing to lose if it fails
  }
}
