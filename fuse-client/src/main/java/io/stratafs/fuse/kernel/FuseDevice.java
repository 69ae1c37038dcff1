package io.stratafs.fuse.kernel;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.nio.ByteBuffer;

/**
 * One open descriptor on {@code /dev/fuse}: the session's first one, or a clone bound to the
 * same connection with FUSE_DEV_IOC_CLONE so each worker has its own processing queue (a reply
 * must be written on the descriptor its request was read from). Not thread-safe: one worker owns
 * one device; {@link #close()} is idempotent.
 */
final class FuseDevice implements AutoCloseable {
  static final String PATH = "/dev/fuse";

  /** What one read produced: a request length, or the session's end. */
  enum ReadOutcome {
    REQUEST,
    RETRY,
    SESSION_ENDED
  }

  private final int fd;
  private boolean closed;

  private FuseDevice(int fd) {
    this.fd = fd;
  }

  static FuseDevice open() {
    int fd = Syscalls.libc().open(PATH, Syscalls.O_RDWR | Syscalls.O_CLOEXEC);
    if (fd < 0) {
      int errno = Syscalls.errno();
      throw new StrataException(
          errno == Syscalls.ENOENT ? StatusCode.NOT_FOUND : StatusCode.PERMISSION_DENIED,
          "cannot open " + PATH + ": " + Syscalls.describe(errno)
              + "; load the fuse module (modprobe fuse) and run as root or with CAP_SYS_ADMIN");
    }
    return new FuseDevice(fd);
  }

  /** A new descriptor attached to this device's connection. */
  FuseDevice cloneDevice() {
    FuseDevice copy = open();
    int rc = Syscalls.libc().ioctl(copy.fd, Syscalls.FUSE_DEV_IOC_CLONE, new int[] {fd});
    if (rc < 0) {
      int errno = Syscalls.errno();
      copy.close();
      throw new StrataException(
          StatusCode.IO_ERROR,
          "FUSE_DEV_IOC_CLONE failed: " + Syscalls.describe(errno)
              + "; the kernel's FUSE is too old for multi-queue workers: run with workers=1");
    }
    return copy;
  }

  int fd() {
    return fd;
  }

  /**
   * Reads one request into {@code buf} (direct, position 0). Returns REQUEST with the buffer's
   * limit set to the request length, RETRY on EINTR/EAGAIN, SESSION_ENDED on ENODEV (unmounted or
   * aborted). Other errors are bugs or a broken connection and throw.
   */
  ReadOutcome read(ByteBuffer buf) {
    buf.clear();
    long n = Syscalls.libc().read(fd, buf, buf.capacity());
    if (n >= 0) {
      buf.limit((int) n);
      return ReadOutcome.REQUEST;
    }
    int errno = Syscalls.errno();
    return switch (errno) {
      case Syscalls.EINTR, Syscalls.EAGAIN, Syscalls.ENOENT -> ReadOutcome.RETRY;
      case Syscalls.ENODEV -> ReadOutcome.SESSION_ENDED;
      default ->
          throw new StrataException(
              StatusCode.IO_ERROR, "read from " + PATH + " failed: " + Syscalls.describe(errno));
    };
  }

  /**
   * Writes one reply (direct buffer, bytes 0..limit) in a single write(2). Returns 0 or the errno:
   * ENOENT means the request was interrupted or aborted meanwhile, which the caller may ignore;
   * ENODEV once closed. Synchronized with close: a reply written late by a deferred request (a
   * lock wait) never lands on a descriptor number the process has reused.
   */
  synchronized int write(ByteBuffer buf) {
    if (closed) {
      return Syscalls.ENODEV;
    }
    int len = buf.limit();
    long n = Syscalls.libc().write(fd, buf, len);
    if (n == len) {
      return 0;
    }
    return n < 0 ? Syscalls.errno() : Syscalls.EINVAL;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      Syscalls.libc().close(fd);
    }
  }
}
