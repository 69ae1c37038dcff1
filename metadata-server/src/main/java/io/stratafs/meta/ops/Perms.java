package io.stratafs.meta.ops;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.Caller;

/** POSIX permission checks as Linux does them (without ACLs or capabilities beyond root). */
public final class Perms {
  public static final int R = 4;
  public static final int W = 2;
  public static final int X = 1;

  private Perms() {}

  public static boolean isRoot(Caller c) {
    return c.getUid() == 0;
  }

  public static boolean inGroup(Caller c, int gid) {
    return c.getGid() == gid || c.getGroupsList().contains(gid);
  }

  public static boolean isOwnerOrRoot(Caller c, InodeRecord r) {
    return isRoot(c) || c.getUid() == r.uid();
  }

  /** Whether {@code c} has every bit of {@code mask} (R/W/X) on {@code r}. */
  public static boolean allowed(Caller c, InodeRecord r, int mask) {
    if (isRoot(c)) {
      // Root reads and writes anything, but executes only what some x bit marks executable.
      return (mask & X) == 0 || r.isDir() || (r.mode() & 0111) != 0;
    }
    int bits;
    if (c.getUid() == r.uid()) {
      bits = (r.mode() >> 6) & 7;
    } else if (inGroup(c, r.gid())) {
      bits = (r.mode() >> 3) & 7;
    } else {
      bits = r.mode() & 7;
    }
    return (bits & mask) == mask;
  }

  /** Throws ACCESS_DENIED (EACCES) unless allowed. */
  public static void check(Caller c, InodeRecord r, int mask, String what) {
    if (!allowed(c, r, mask)) {
      throw StrataException.of(
          StatusCode.ACCESS_DENIED,
          "uid %d may not %s inode %d (mode %o, owner %d:%d)",
          c.getUid(), what, r.ino(), r.mode() & 07777, r.uid(), r.gid());
    }
  }

  /** Search permission on a directory: the check of every path step. */
  public static void search(Caller c, InodeRecord dir) {
    check(c, dir, X, "search");
  }

  /** Write and search on a directory whose entries change. */
  public static void modifyEntries(Caller c, InodeRecord dir) {
    check(c, dir, W | X, "change entries of");
  }

  /** The sticky-directory rule: only the owner of the entry or of the directory (or root). */
  public static void sticky(Caller c, InodeRecord dir, InodeRecord victim) {
    if ((dir.mode() & InodeRecord.S_ISVTX) != 0
        && !isRoot(c)
        && c.getUid() != dir.uid()
        && c.getUid() != victim.uid()) {
      throw StrataException.of(
          StatusCode.PERMISSION_DENIED,
          "directory %d is sticky: uid %d owns neither it nor inode %d",
          dir.ino(), c.getUid(), victim.ino());
    }
  }
}
