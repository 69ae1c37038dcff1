package io.stratafs.fuse.kernel;

import io.stratafs.protocol.meta.Attr;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * fuse_dirent and fuse_direntplus records: fixed part, name, zero padding to an 8-byte boundary.
 * The dirent type is the file type bits of the mode shifted down (DT_REG = S_IFREG >> 12...).
 * Stateless.
 */
final class DirentCodec {
  private DirentCodec() {}

  static int align8(int n) {
    return (n + 7) & ~7;
  }

  static int direntSize(int nameLen) {
    return align8(FuseConstants.DIRENT_NAME_OFFSET + nameLen);
  }

  static int direntPlusSize(int nameLen) {
    return align8(FuseConstants.DIRENTPLUS_NAME_OFFSET + nameLen);
  }

  static int direntType(int mode) {
    return (mode & 0170000) >>> 12;
  }

  static void putDirent(ByteBuffer b, long ino, long nextOffset, int mode, byte[] name) {
    int start = b.position();
    b.putLong(ino);
    b.putLong(nextOffset);
    b.putInt(name.length);
    b.putInt(direntType(mode));
    b.put(name);
    pad(b, start + direntSize(name.length));
  }

  /**
   * A fuse_direntplus; {@code attr} null writes an empty entry_out so the kernel creates no inode
   * (and takes no lookup reference) for it.
   */
  static void putDirentPlus(
      ByteBuffer b,
      long ino,
      long nextOffset,
      int mode,
      byte[] name,
      Attr attr,
      Duration entryTimeout,
      Duration attrTimeout) {
    int start = b.position();
    if (attr == null) {
      AttrCodec.putEmptyEntryOut(b);
    } else {
      AttrCodec.putEntryOut(b, attr, entryTimeout, attrTimeout);
    }
    b.putLong(ino);
    b.putLong(nextOffset);
    b.putInt(name.length);
    b.putInt(direntType(mode));
    b.put(name);
    pad(b, start + direntPlusSize(name.length));
  }

  private static void pad(ByteBuffer b, int end) {
    while (b.position() < end) {
      b.put((byte) 0);
    }
  }

  /** Whether the kernel treats this readdirplus name as not a lookup ("." and ".."). */
  static boolean isDotOrDotDot(byte[] name) {
    return (name.length == 1 && name[0] == '.')
        || (name.length == 2 && name[0] == '.' && name[1] == '.');
  }
}
