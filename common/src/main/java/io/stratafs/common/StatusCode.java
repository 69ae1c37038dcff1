package io.stratafs.common;

import java.util.HashMap;
import java.util.Map;

/**
 * The one error vocabulary of StrataFS. A code travels unchanged from the daemon that detects the
 * condition, over RPC, to the FUSE boundary where {@link #errno()} turns it into the kernel's
 * answer. Each code has a deliberate Linux errno (x86_64/aarch64 numbering); the wire carries the
 * {@link #wire()} number, which never changes once assigned.
 */
public enum StatusCode {
  OK(0, 0),
  // POSIX conditions, precise.
  PERMISSION_DENIED(1, Errno.EPERM),
  NOT_FOUND(2, Errno.ENOENT),
  INTERRUPTED(3, Errno.EINTR),
  IO_ERROR(4, Errno.EIO),
  BAD_HANDLE(5, Errno.EBADF),
  WOULD_BLOCK(6, Errno.EAGAIN),
  ACCESS_DENIED(7, Errno.EACCES),
  BUSY(8, Errno.EBUSY),
  EXISTS(9, Errno.EEXIST),
  CROSS_DEVICE(10, Errno.EXDEV),
  NOT_DIRECTORY(11, Errno.ENOTDIR),
  IS_DIRECTORY(12, Errno.EISDIR),
  INVALID_ARGUMENT(13, Errno.EINVAL),
  FILE_TOO_BIG(14, Errno.EFBIG),
  NO_SPACE(15, Errno.ENOSPC),
  READ_ONLY(16, Errno.EROFS),
  TOO_MANY_LINKS(17, Errno.EMLINK),
  RANGE(18, Errno.ERANGE),
  DEADLOCK(19, Errno.EDEADLK),
  NAME_TOO_LONG(20, Errno.ENAMETOOLONG),
  NOT_IMPLEMENTED(21, Errno.ENOSYS),
  NOT_EMPTY(22, Errno.ENOTEMPTY),
  LOOP(23, Errno.ELOOP),
  NO_ATTRIBUTE(24, Errno.ENODATA),
  OVERFLOW(25, Errno.EOVERFLOW),
  NOT_SUPPORTED(26, Errno.EOPNOTSUPP),
  QUOTA_EXCEEDED(27, Errno.EDQUOT),
  TEXT_BUSY(28, Errno.ETXTBSY),
  OUT_OF_MEMORY(29, Errno.ENOMEM),
  // Distributed-system conditions. Clients retry or redirect on most of these; when one reaches
  // the kernel it means the data could not be reached, which POSIX can only call EIO or ETIMEDOUT.
  TIMED_OUT(40, Errno.ETIMEDOUT),
  UNAVAILABLE(41, Errno.EIO),
  NOT_LEADER(42, Errno.EIO),
  FENCED(43, Errno.EIO),
  STALE_VERSION(44, Errno.EIO),
  CORRUPT(45, Errno.EIO),
  PROTOCOL_ERROR(46, Errno.EPROTO),
  INTERNAL(47, Errno.EIO),
  SESSION_EXPIRED(48, Errno.EIO);

  private static final Map<Integer, StatusCode> BY_WIRE = new HashMap<>();

  static {
    for (StatusCode c : values()) {
      if (BY_WIRE.put(c.wire, c) != null) {
        throw new AssertionError("duplicate wire number " + c.wire);
      }
    }
  }

  private final int wire;
  private final int errno;

  StatusCode(int wire, int errno) {
    this.wire = wire;
    this.errno = errno;
  }

  /** Stable number on the wire. */
  public int wire() {
    return wire;
  }

  /** Linux errno (positive) the FUSE boundary answers with. */
  public int errno() {
    return errno;
  }

  /** Whether a client should retry the call (possibly on another server). */
  public boolean retryable() {
    return this == UNAVAILABLE || this == NOT_LEADER || this == TIMED_OUT;
  }

  /** Decodes a wire number; unknown numbers (a newer peer) are INTERNAL rather than a crash. */
  public static StatusCode fromWire(int wire) {
    StatusCode c = BY_WIRE.get(wire);
    return c == null ? INTERNAL : c;
  }

  /** Linux errno numbers used above, named once. */
  public static final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ETXTBSY = 26;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int EROFS = 30;
    public static final int EMLINK = 31;
    public static final int ERANGE = 34;
    public static final int EDEADLK = 35;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ENOTEMPTY = 39;
    public static final int ELOOP = 40;
    public static final int ENODATA = 61;
    public static final int EPROTO = 71;
    public static final int EOVERFLOW = 75;
    public static final int EOPNOTSUPP = 95;
    public static final int ETIMEDOUT = 110;
    public static final int EDQUOT = 122;

    private Errno() {}
  }
}
