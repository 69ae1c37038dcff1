package io.stratafs.posix.conformance;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The libc entry points the suite calls, bound as they are declared in glibc 2.33+ (which exports
 * {@code stat}, {@code mknod} and friends as real symbols). Structs travel as byte arrays decoded by
 * {@link Stat} and {@link Syscalls#statfsNameMax}. Raw {@code syscall} is used where the glibc
 * wrapper would do something else than one thread's system call (setresuid changes every thread).
 */
public interface NativeLib {
  @SaveError int open(@In String path, int flags, int mode);
  @SaveError int close(int fd);
  @SaveError long pread(int fd, @Out byte[] buf, long count, long offset);
  @SaveError long pwrite(int fd, @In byte[] buf, long count, long offset);
  @SaveError long read(int fd, @Out byte[] buf, long count);
  @SaveError long write(int fd, @In byte[] buf, long count);
  @SaveError long lseek(int fd, long offset, int whence);
  @SaveError int fsync(int fd);
  @SaveError int mkdir(@In String path, int mode);
  @SaveError int rmdir(@In String path);
  @SaveError int unlink(@In String path);
  @SaveError int link(@In String from, @In String to);
  @SaveError int symlink(@In String target, @In String path);
  @SaveError int rename(@In String from, @In String to);
  @SaveError int renameat2(int olddirfd, @In String from, int newdirfd, @In String to, int flags);
  @SaveError int chmod(@In String path, int mode);
  @SaveError int fchmod(int fd, int mode);
  @SaveError int chown(@In String path, int uid, int gid);
  @SaveError int lchown(@In String path, int uid, int gid);
  @SaveError int fchown(int fd, int uid, int gid);
  @SaveError int truncate(@In String path, long length);
  @SaveError int ftruncate(int fd, long length);
  @SaveError int mknod(@In String path, int mode, long dev);
  @SaveError int mkfifo(@In String path, int mode);
  @SaveError int utimensat(int dirfd, @In String path, @In long[] times, int flags);
  @SaveError int futimens(int fd, @In long[] times);
  @SaveError int stat(@In String path, @Out byte[] buf);
  @SaveError int lstat(@In String path, @Out byte[] buf);
  @SaveError int fstat(int fd, @Out byte[] buf);
  @SaveError int statfs(@In String path, @Out byte[] buf);
  @SaveError long readlink(@In String path, @Out byte[] buf, long size);
  @SaveError int setxattr(@In String path, @In String name, @In byte[] value, long size, int flags);
  @SaveError int lsetxattr(@In String path, @In String name, @In byte[] value, long size, int flags);
  @SaveError long getxattr(@In String path, @In String name, @Out byte[] value, long size);
  @SaveError long listxattr(@In String path, @Out byte[] list, long size);
  @SaveError int removexattr(@In String path, @In String name);
  @SaveError int access(@In String path, int mode);
  @SaveError int socket(int domain, int type, int protocol);
  @SaveError int bind(int fd, @In byte[] addr, int len);
  @SaveError int unshare(int flags);
  int umask(int mask);
  @SaveError long syscall(long number, long a, long b, long c);
  int geteuid();
  int getegid();
}
