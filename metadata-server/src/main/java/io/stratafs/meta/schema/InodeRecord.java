package io.stratafs.meta.schema;

import io.stratafs.protocol.meta.Attr;

/**
 * One inode as stored. {@code parent} is the directory holding a directory (for ".."), 0 for
 * other types; {@code flags} holds {@link #FLAG_ORPHAN}; {@code target} is a symlink's target
 * (empty otherwise). Immutable: "with" methods return copies.
 */
public record InodeRecord(
    long ino,
    int mode,
    int uid,
    int gid,
    long size,
    long atimeNs,
    long mtimeNs,
    long ctimeNs,
    int nlink,
    long rdev,
    long generation,
    long parent,
    int flags,
    byte[] target) {
  /** Unlinked while open: kept until its last release. */
  public static final int FLAG_ORPHAN = 1;

  public static final int S_IFMT = 0170000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFLNK = 0120000;
  public static final int S_IFIFO = 0010000;
  public static final int S_IFSOCK = 0140000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFBLK = 0060000;
  public static final int S_ISUID = 04000;
  public static final int S_ISGID = 02000;
  public static final int S_ISVTX = 01000;

  public int type() {
    return mode & S_IFMT;
  }

  public boolean isDir() {
    return type() == S_IFDIR;
  }

  public boolean isOrphan() {
    return (flags & FLAG_ORPHAN) != 0;
  }

  public Attr toAttr() {
    return Attr.newBuilder()
        .setIno(ino)
        .setMode(mode)
        .setUid(uid)
        .setGid(gid)
        .setSize(size)
        .setAtimeNs(atimeNs)
        .setMtimeNs(mtimeNs)
        .setCtimeNs(ctimeNs)
        .setNlink(nlink)
        .setRdev(rdev)
        .setGeneration(generation)
        .build();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Mutable copy for operations that change several fields. */
  public static final class Builder {
    public long ino;
    public int mode;
    public int uid;
    public int gid;
    public long size;
    public long atimeNs;
    public long mtimeNs;
    public long ctimeNs;
    public int nlink;
    public long rdev;
    public long generation;
    public long parent;
    public int flags;
    public byte[] target = new byte[0];

    Builder() {}

    Builder(InodeRecord r) {
      ino = r.ino;
      mode = r.mode;
      uid = r.uid;
      gid = r.gid;
      size = r.size;
      atimeNs = r.atimeNs;
      mtimeNs = r.mtimeNs;
      ctimeNs = r.ctimeNs;
      nlink = r.nlink;
      rdev = r.rdev;
      generation = r.generation;
      parent = r.parent;
      flags = r.flags;
      target = r.target;
    }

    public InodeRecord build() {
      return new InodeRecord(
          ino, mode, uid, gid, size, atimeNs, mtimeNs, ctimeNs, nlink, rdev, generation, parent,
          flags, target);
    }
  }
}
