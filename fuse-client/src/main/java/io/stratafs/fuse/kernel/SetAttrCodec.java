package io.stratafs.fuse.kernel;

import io.stratafs.fuse.vfs.SetAttrChange;
import io.stratafs.protocol.meta.SetAttrField;
import java.nio.ByteBuffer;

/**
 * fuse_setattr_in to a {@link SetAttrChange}: FATTR_* bits become {@link SetAttrField} bits and
 * second+nanosecond pairs become nanoseconds. Stateless.
 */
final class SetAttrCodec {
  static final int SETATTR_IN_SIZE = 88;

  private SetAttrCodec() {}

  /** The change and the handle it came through (-1 when not through an open file). */
  record SetAttrIn(SetAttrChange change, long fh) {}

  private static final int[][] BIT_MAP = {
    {FuseConstants.FATTR_MODE, SetAttrField.SET_MODE_VALUE},
    {FuseConstants.FATTR_UID, SetAttrField.SET_UID_VALUE},
    {FuseConstants.FATTR_GID, SetAttrField.SET_GID_VALUE},
    {FuseConstants.FATTR_SIZE, SetAttrField.SET_SIZE_VALUE},
    {FuseConstants.FATTR_ATIME, SetAttrField.SET_ATIME_VALUE},
    {FuseConstants.FATTR_MTIME, SetAttrField.SET_MTIME_VALUE},
    {FuseConstants.FATTR_ATIME_NOW, SetAttrField.SET_ATIME_NOW_VALUE},
    {FuseConstants.FATTR_MTIME_NOW, SetAttrField.SET_MTIME_NOW_VALUE},
    {FuseConstants.FATTR_CTIME, SetAttrField.SET_CTIME_VALUE},
    {FuseConstants.FATTR_KILL_SUIDGID, SetAttrField.SET_KILL_SUIDGID_VALUE},
  };

  static int toSetAttrFields(int fattr) {
    int valid = 0;
    for (int[] pair : BIT_MAP) {
      if ((fattr & pair[0]) != 0) {
        valid |= pair[1];
      }
    }
    return valid;
  }

  static SetAttrIn decode(ByteBuffer b) {
    int fattr = b.getInt();
    b.getInt(); // padding
    long fh = b.getLong();
    long size = b.getLong();
    b.getLong(); // lock_owner
    long atime = b.getLong();
    long mtime = b.getLong();
    long ctime = b.getLong();
    long atimeNsec = Integer.toUnsignedLong(b.getInt());
    long mtimeNsec = Integer.toUnsignedLong(b.getInt());
    long ctimeNsec = Integer.toUnsignedLong(b.getInt());
    int mode = b.getInt();
    b.getInt(); // unused4
    int uid = b.getInt();
    int gid = b.getInt();
    b.getInt(); // unused5
    SetAttrChange change =
        new SetAttrChange(
            toSetAttrFields(fattr),
            mode,
            uid,
            gid,
            size,
            atime * 1_000_000_000L + atimeNsec,
            mtime * 1_000_000_000L + mtimeNsec,
            ctime * 1_000_000_000L + ctimeNsec);
    return new SetAttrIn(change, (fattr & FuseConstants.FATTR_FH) != 0 ? fh : -1);
  }

  /** The inverse, for tests: encodes FATTR bits and values as the kernel would. */
  static void encode(
      ByteBuffer b, int fattr, long fh, long size, long atimeNs, long mtimeNs, long ctimeNs,
      int mode, int uid, int gid) {
    b.putInt(fattr).putInt(0).putLong(fh).putLong(size).putLong(0);
    b.putLong(Math.floorDiv(atimeNs, 1_000_000_000L));
    b.putLong(Math.floorDiv(mtimeNs, 1_000_000_000L));
    b.putLong(Math.floorDiv(ctimeNs, 1_000_000_000L));
    b.putInt((int) Math.floorMod(atimeNs, 1_000_000_000L));
    b.putInt((int) Math.floorMod(mtimeNs, 1_000_000_000L));
    b.putInt((int) Math.floorMod(ctimeNs, 1_000_000_000L));
    b.putInt(mode).putInt(0).putInt(uid).putInt(gid).putInt(0);
  }
}
