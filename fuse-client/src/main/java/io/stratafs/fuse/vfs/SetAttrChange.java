package io.stratafs.fuse.vfs;

/**
 * Which attributes a setattr changes: {@code valid} uses the bits of
 * {@code io.stratafs.protocol.meta.SetAttrField} (SET_MODE, SET_SIZE, SET_ATIME_NOW...); the
 * other fields are read only where their bit is set.
 */
public record SetAttrChange(
    int valid, int mode, int uid, int gid, long size, long atimeNs, long mtimeNs, long ctimeNs) {
  public boolean has(int bit) {
    return (valid & bit) != 0;
  }
}
