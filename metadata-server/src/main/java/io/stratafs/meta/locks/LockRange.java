package io.stratafs.meta.locks;

/**
 * One held lock: the inclusive byte range [start, end] ({@link #EOF} = to end of file, however
 * far it grows), its type and the pid GetLk reports. Immutable.
 */
public record LockRange(LockOwner owner, long start, long end, int type, int pid) {
  public static final int F_RDLCK = 0;
  public static final int F_WRLCK = 1;
  public static final int F_UNLCK = 2;
  /** OFFSET_MAX: the kernel's end of a lock that runs to end of file. */
  public static final long EOF = Long.MAX_VALUE;

  boolean overlaps(long s, long e) {
    return start <= e && s <= end;
  }

  /** Whether this lock blocks a lock of {@code type} over [s, e] wanted by {@code other}. */
  boolean blocks(LockOwner other, long s, long e, int type) {
    return !owner.equals(other) && overlaps(s, e) && (this.type == F_WRLCK || type == F_WRLCK);
  }
}
