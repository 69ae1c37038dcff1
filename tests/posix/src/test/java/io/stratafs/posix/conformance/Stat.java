package io.stratafs.posix.conformance;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** struct stat as x86_64 lays it out (144 bytes); times in nanoseconds since the epoch. */
public record Stat(
    long ino, long nlink, int mode, int uid, int gid, long rdev, long size, long blocks,
    long atimeNs, long mtimeNs, long ctimeNs) {
  static final int SIZE = 144;

  public static final int S_IFMT = 0170000;
  public static final int S_IFSOCK = 0140000;
  public static final int S_IFLNK = 0120000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFBLK = 0060000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFIFO = 0010000;

  static Stat decode(byte[] raw) {
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
    return new Stat(
        b.getLong(8), b.getLong(16), b.getInt(24), b.getInt(28), b.getInt(32), b.getLong(40),
        b.getLong(48), b.getLong(64),
        b.getLong(72) * 1_000_000_000L + b.getLong(80),
        b.getLong(88) * 1_000_000_000L + b.getLong(96),
        b.getLong(104) * 1_000_000_000L + b.getLong(112));
  }

  public int type() {
    return mode & S_IFMT;
  }

  public int perm() {
    return mode & 07777;
  }
}
