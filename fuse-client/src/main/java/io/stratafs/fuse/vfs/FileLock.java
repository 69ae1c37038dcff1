package io.stratafs.fuse.vfs;

/**
 * A lock as fcntl(2) and the kernel's fuse_file_lock describe it: the inclusive byte range
 * [start, end] ({@link #EOF} = to end of file), F_RDLCK / F_WRLCK / F_UNLCK, and the pid that
 * holds (GETLK reply) or asks for (SETLK) it.
 */
public record FileLock(long start, long end, int type, int pid) {
  public static final int F_RDLCK = 0;
  public static final int F_WRLCK = 1;
  public static final int F_UNLCK = 2;
  /** OFFSET_MAX. */
  public static final long EOF = Long.MAX_VALUE;

  /** GETLK's answer when nothing would block the lock. */
  public static FileLock unlocked() {
    return new FileLock(0, 0, F_UNLCK, 0);
  }
}
