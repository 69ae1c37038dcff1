package io.stratafs.fuse.kernel;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/** The loaded libc binding, errno and the Linux constants used with it. Thread-safe. */
final class Syscalls {
  static final int O_RDWR = 2;
  static final int O_CLOEXEC = 0x80000;

  static final long MS_NOSUID = 2;
  static final long MS_NODEV = 4;
  static final long MS_NOATIME = 1024;
  static final int MNT_DETACH = 2;

  static final int EPERM = 1;
  static final int ENOENT = 2;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int EBUSY = 16;
  static final int ENODEV = 19;
  static final int EINVAL = 22;
  static final int ENOTCONN = 107;

  /** _IOR(229, 0, uint32_t): direction read (2) << 30 | size 4 << 16 | type 229 << 8 | nr 0. */
  static final long FUSE_DEV_IOC_CLONE = (2L << 30) | (4L << 16) | (229L << 8);

  private static final class Holder {
    static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
  }

  private Syscalls() {}

  static LibC libc() {
    return Holder.LIBC;
  }

  /** errno of the last call on this thread. */
  static int errno() {
    return Holder.RUNTIME.getLastError();
  }

  /** A readable name for an errno in messages. */
  static String describe(int errno) {
    String name =
        switch (errno) {
      case EPERM -> "EPERM";
      case ENOENT -> "ENOENT";
      case EINTR -> "EINTR";
      case EAGAIN -> "EAGAIN";
      case EBUSY -> "EBUSY";
      case ENODEV -> "ENODEV";
      case EINVAL -> "EINVAL";
      case ENOTCONN -> "ENOTCONN";
      case 13 -> "EACCES";
      case 20 -> "ENOTDIR";
      default -> "errno " + errno;
        };
    return name + " (" + errno + ")";
  }
}
