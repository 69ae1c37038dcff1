package io.stratafs.fuse.kernel;

import io.stratafs.protocol.meta.Attr;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * fuse_attr, fuse_entry_out and fuse_attr_out: attributes as the kernel caches them. Times are
 * split into seconds and nanoseconds (floor division, so times before 1970 stay correct); blocks
 * is an allocation estimate of ceil(size / 512). Stateless.
 */
final class AttrCodec {
  static final int BLOCK_SIZE = 4096;

  private AttrCodec() {}

  static void putAttr(ByteBuffer b, Attr a) {
    b.putLong(a.getIno());
    b.putLong(a.getSize());
    b.putLong(blocks(a.getSize()));
    b.putLong(Math.floorDiv(a.getAtimeNs(), 1_000_000_000L));
    b.putLong(Math.floorDiv(a.getMtimeNs(), 1_000_000_000L));
    b.putLong(Math.floorDiv(a.getCtimeNs(), 1_000_000_000L));
    b.putInt((int) Math.floorMod(a.getAtimeNs(), 1_000_000_000L));
    b.putInt((int) Math.floorMod(a.getMtimeNs(), 1_000_000_000L));
    b.putInt((int) Math.floorMod(a.getCtimeNs(), 1_000_000_000L));
    b.putInt(a.getMode());
    b.putInt(a.getNlink());
    b.putInt(a.getUid());
    b.putInt(a.getGid());
    b.putInt((int) a.getRdev());
    b.putInt(BLOCK_SIZE);
    b.putInt(0); // flags: no submount, no DAX
  }

  static long blocks(long size) {
    return (size + 511) / 512;
  }

  /** fuse_entry_out for an entry the kernel will hold one lookup reference on. */
  static void putEntryOut(ByteBuffer b, Attr a, Duration entryTimeout, Duration attrTimeout) {
    b.putLong(a.getIno());
    b.putLong(a.getGeneration());
    b.putLong(entryTimeout.getSeconds());
    b.putLong(attrTimeout.getSeconds());
    b.putInt(entryTimeout.getNano());
    b.putInt(attrTimeout.getNano());
    putAttr(b, a);
  }

  /** An all-zero fuse_entry_out: nodeid 0 tells the kernel to skip the entry (readdirplus "."). */
  static void putEmptyEntryOut(ByteBuffer b) {
    for (int i = 0; i < FuseConstants.ENTRY_OUT_SIZE / 8; i++) {
      b.putLong(0);
    }
  }

  /**
   * A negative fuse_entry_out: nodeid 0 with an entry timeout makes the kernel cache "no such
   * name" for that long, as it caches a positive entry, instead of asking again on every lookup.
   */
  static void putNegativeEntryOut(ByteBuffer b, Duration entryTimeout) {
    b.putLong(0); // nodeid
    b.putLong(0); // generation
    b.putLong(entryTimeout.getSeconds());
    b.putLong(0); // attr_valid
    b.putInt(entryTimeout.getNano());
    b.putInt(0); // attr_valid_nsec
    for (int i = 0; i < FuseConstants.ENTRY_OUT_SIZE - 40; i++) {
      b.put((byte) 0); // fuse_attr
    }
  }

  static void putAttrOut(ByteBuffer b, Attr a, Duration attrTimeout) {
    b.putLong(attrTimeout.getSeconds());
    b.putInt(attrTimeout.getNano());
    b.putInt(0);
    putAttr(b, a);
  }

  /** Reads a fuse_attr back (tests and diagnostics); generation is not part of fuse_attr. */
  static Attr getAttr(ByteBuffer b) {
    long ino = b.getLong();
    long size = b.getLong();
    b.getLong(); // blocks
    long atime = b.getLong();
    long mtime = b.getLong();
    long ctime = b.getLong();
    long atimeNsec = Integer.toUnsignedLong(b.getInt());
    long mtimeNsec = Integer.toUnsignedLong(b.getInt());
    long ctimeNsec = Integer.toUnsignedLong(b.getInt());
    int mode = b.getInt();
    int nlink = b.getInt();
    int uid = b.getInt();
    int gid = b.getInt();
    long rdev = Integer.toUnsignedLong(b.getInt());
    b.getInt(); // blksize
    b.getInt(); // flags
    return Attr.newBuilder()
        .setIno(ino)
        .setSize(size)
        .setAtimeNs(atime * 1_000_000_000L + atimeNsec)
        .setMtimeNs(mtime * 1_000_000_000L + mtimeNsec)
        .setCtimeNs(ctime * 1_000_000_000L + ctimeNsec)
        .setMode(mode)
        .setNlink(nlink)
        .setUid(uid)
        .setGid(gid)
        .setRdev(rdev)
        .build();
  }
}
