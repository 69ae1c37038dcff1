package io.stratafs.posix.conformance;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * System calls as the suite sees them: each answers its result (a descriptor, a count, 0) or
 * {@code -errno}, so a case reads {@code expect(ENOENT, () -> sys.unlink(p))}. Paths are Java
 * {@link Path}s or strings. Thread-safe: errno is saved per thread by jnr-ffi.
 */
public final class Syscalls {
  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 1;
  public static final int O_RDWR = 2;
  public static final int O_CREAT = 0100;
  public static final int O_EXCL = 0200;
  public static final int O_TRUNC = 01000;
  public static final int O_APPEND = 02000;
  public static final int O_NONBLOCK = 04000;
  public static final int O_DIRECTORY = 0200000;
  public static final int O_NOFOLLOW = 0400000;
  public static final int O_PATH = 010000000;

  public static final int AT_FDCWD = -100;
  public static final int AT_SYMLINK_NOFOLLOW = 0x100;
  public static final long UTIME_NOW = (1L << 30) - 1;
  public static final long UTIME_OMIT = (1L << 30) - 2;
  public static final int RENAME_NOREPLACE = 1;
  public static final int RENAME_EXCHANGE = 2;
  public static final int XATTR_CREATE = 1;
  public static final int XATTR_REPLACE = 2;
  public static final int SEEK_SET = 0;
  public static final int SEEK_END = 2;
  public static final int SEEK_DATA = 3;
  public static final int SEEK_HOLE = 4;
  public static final int R_OK = 4;
  public static final int W_OK = 2;
  public static final int X_OK = 1;

  static final long SYS_SETGROUPS = 116;
  static final long SYS_SETRESUID = 117;
  static final long SYS_SETRESGID = 119;
  static final int CLONE_FS = 0x200;

  private static final NativeLib LIBC = LibraryLoader.create(NativeLib.class).load("c");
  private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

  public static final Syscalls SYS = new Syscalls();

  private Syscalls() {}

  static NativeLib libc() {
    return LIBC;
  }

  private static int rc(long r) {
    return r < 0 ? -RUNTIME.getLastError() : (int) Math.min(r, Integer.MAX_VALUE);
  }

  private static long rcLong(long r) {
    return r < 0 ? -RUNTIME.getLastError() : r;
  }

  private static String s(Object p) {
    return p.toString();
  }

  public int open(Object path, int flags, int mode) {
    return rc(LIBC.open(s(path), flags, mode));
  }

  public int open(Object path, int flags) {
    return open(path, flags, 0);
  }

  public int close(int fd) {
    return rc(LIBC.close(fd));
  }

  public int mkdir(Object path, int mode) {
    return rc(LIBC.mkdir(s(path), mode));
  }

  public int rmdir(Object path) {
    return rc(LIBC.rmdir(s(path)));
  }

  public int unlink(Object path) {
    return rc(LIBC.unlink(s(path)));
  }

  public int link(Object from, Object to) {
    return rc(LIBC.link(s(from), s(to)));
  }

  public int symlink(String target, Object path) {
    return rc(LIBC.symlink(target, s(path)));
  }

  public int rename(Object from, Object to) {
    return rc(LIBC.rename(s(from), s(to)));
  }

  public int renameat2(Object from, Object to, int flags) {
    return rc(LIBC.renameat2(AT_FDCWD, s(from), AT_FDCWD, s(to), flags));
  }

  public int chmod(Object path, int mode) {
    return rc(LIBC.chmod(s(path), mode));
  }

  public int fchmod(int fd, int mode) {
    return rc(LIBC.fchmod(fd, mode));
  }

  public int chown(Object path, int uid, int gid) {
    return rc(LIBC.chown(s(path), uid, gid));
  }

  public int lchown(Object path, int uid, int gid) {
    return rc(LIBC.lchown(s(path), uid, gid));
  }

  public int fchown(int fd, int uid, int gid) {
    return rc(LIBC.fchown(fd, uid, gid));
  }

  public int truncate(Object path, long length) {
    return rc(LIBC.truncate(s(path), length));
  }

  public int ftruncate(int fd, long length) {
    return rc(LIBC.ftruncate(fd, length));
  }

  public int mknod(Object path, int mode, long dev) {
    return rc(LIBC.mknod(s(path), mode, dev));
  }

  public int mkfifo(Object path, int mode) {
    return rc(LIBC.mkfifo(s(path), mode));
  }

  /** Times as {atimeSec, atimeNsec, mtimeSec, mtimeNsec}; null means both to now. */
  public int utimensat(Object path, long[] times, int flags) {
    return rc(LIBC.utimensat(AT_FDCWD, s(path), times, flags));
  }

  public int futimens(int fd, long[] times) {
    return rc(LIBC.futimens(fd, times));
  }

  public int access(Object path, int mode) {
    return rc(LIBC.access(s(path), mode));
  }

  public long lseek(int fd, long offset, int whence) {
    return rcLong(LIBC.lseek(fd, offset, whence));
  }

  public int fsync(int fd) {
    return rc(LIBC.fsync(fd));
  }

  public int pwrite(int fd, byte[] data, long offset) {
    return rc(LIBC.pwrite(fd, data, data.length, offset));
  }

  public int write(int fd, byte[] data) {
    return rc(LIBC.write(fd, data, data.length));
  }

  public int write(int fd, String data) {
    return write(fd, data.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads up to {@code n} bytes at {@code offset}; the bytes, or null on error. */
  public byte[] pread(int fd, int n, long offset) {
    byte[] buf = new byte[n];
    long r = LIBC.pread(fd, buf, n, offset);
    return r < 0 ? null : java.util.Arrays.copyOf(buf, (int) r);
  }

  public int preadRc(int fd, int n, long offset) {
    return rc(LIBC.pread(fd, new byte[n], n, offset));
  }

  public int read(int fd, int n) {
    return rc(LIBC.read(fd, new byte[n], n));
  }

  /** stat, or null when the path does not resolve. */
  public Stat stat(Object path) {
    byte[] raw = new byte[Stat.SIZE];
    return LIBC.stat(s(path), raw) == 0 ? Stat.decode(raw) : null;
  }

  public int statRc(Object path) {
    return rc(LIBC.stat(s(path), new byte[Stat.SIZE]));
  }

  public Stat lstat(Object path) {
    byte[] raw = new byte[Stat.SIZE];
    return LIBC.lstat(s(path), raw) == 0 ? Stat.decode(raw) : null;
  }

  public int lstatRc(Object path) {
    return rc(LIBC.lstat(s(path), new byte[Stat.SIZE]));
  }

  public Stat fstat(int fd) {
    byte[] raw = new byte[Stat.SIZE];
    return LIBC.fstat(fd, raw) == 0 ? Stat.decode(raw) : null;
  }

  /** f_namelen of statfs(2), or -errno. */
  public long statfsNameMax(Object path) {
    byte[] raw = new byte[120];
    int r = rc(LIBC.statfs(s(path), raw));
    return r < 0 ? r : ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder()).getLong(64);
  }

  public String readlink(Object path) {
    byte[] buf = new byte[4096];
    long n = LIBC.readlink(s(path), buf, buf.length);
    return n < 0 ? null : new String(buf, 0, (int) n, StandardCharsets.UTF_8);
  }

  public int readlinkRc(Object path) {
    return rc(LIBC.readlink(s(path), new byte[4096], 4096));
  }

  public int setxattr(Object path, String name, byte[] value, int flags) {
    return rc(LIBC.setxattr(s(path), name, value, value.length, flags));
  }

  public int lsetxattr(Object path, String name, byte[] value, int flags) {
    return rc(LIBC.lsetxattr(s(path), name, value, value.length, flags));
  }

  /** getxattr into a buffer of {@code size} bytes: the value length or -errno. */
  public int getxattr(Object path, String name, int size) {
    byte[] buf = new byte[size];
    return rc(LIBC.getxattr(s(path), name, size == 0 ? null : buf, size));
  }

  public String getxattrString(Object path, String name) {
    byte[] buf = new byte[65536];
    long n = LIBC.getxattr(s(path), name, buf, buf.length);
    return n < 0 ? null : new String(buf, 0, (int) n, StandardCharsets.UTF_8);
  }

  public int listxattr(Object path, int size) {
    return rc(LIBC.listxattr(s(path), size == 0 ? null : new byte[size], size));
  }

  public int removexattr(Object path, String name) {
    return rc(LIBC.removexattr(s(path), name));
  }

  /** Creates a unix socket bound at {@code path} (the node stays after close). */
  public int bindUnixSocket(Object path) {
    int fd = rc(LIBC.socket(1 /* AF_UNIX */, 1 /* SOCK_STREAM */, 0));
    if (fd < 0) {
      return fd;
    }
    byte[] p = s(path).getBytes(StandardCharsets.UTF_8);
    byte[] addr = new byte[110];
    addr[0] = 1; // sun_family = AF_UNIX, little-endian short
    System.arraycopy(p, 0, addr, 2, Math.min(p.length, 107));
    int r = rc(LIBC.bind(fd, addr, 2 + p.length + 1));
    LIBC.close(fd);
    return r;
  }

  /** Opens (creating with {@code mode}) and writes {@code data}; 0 or -errno. */
  public int writeFile(Object path, String data, int mode) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) {
      return fd;
    }
    int w = write(fd, data);
    int c = close(fd);
    return w < 0 ? w : c;
  }

  /** A path longer than the kernel would take: for a few ENAMETOOLONG cases. */
  public static String name(int length) {
    return "n".repeat(length);
  }
}
