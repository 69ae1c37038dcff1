package io.stratafs.fuse.kernel;

import java.nio.ByteBuffer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The few libc calls the kernel adapter makes, bound with jnr-ffi. ByteBuffer arguments must be
 * direct and positioned at 0: jnr passes their address, so the kernel reads or fills them in
 * place without a copy. Every call saves errno for {@link Syscalls#errno()}.
 */
public interface LibC {
  @SaveError
  int open(@In String path, int flags);

  @SaveError
  int close(int fd);

  @SaveError
  @ssize_t
  long read(int fd, @Out ByteBuffer buf, @size_t long count);

  @SaveError
  @ssize_t
  long write(int fd, @In ByteBuffer buf, @size_t long count);

  @SaveError
  int mount(@In String source, @In String target, @In String type, long flags, @In String data);

  @SaveError
  int umount2(@In String target, int flags);

  /** ioctl with a pointer to one int (FUSE_DEV_IOC_CLONE takes the session fd that way). */
  @SaveError
  @Variadic(fixedCount = 2)
  int ioctl(int fd, long request, @In int[] arg);

  @SaveError
  int access(@In String path, int mode);

  int getuid();

  int getgid();
}
