package io.stratafs.meta.ops;

import static io.stratafs.protocol.meta.SetAttrField.*;

import io.stratafs.common.FileLimits;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.AttrReply;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.SetAttrRequest;

/**
 * chmod, chown, truncate and utimensat with Linux's permission rules. Truncation drops the chunk
 * records past the new size (see {@link Truncation}); the straddling chunk was cut on its replicas
 * before this runs.
 */
public final class SetAttrOp {
  private SetAttrOp() {}

  private static boolean has(SetAttrRequest r, int bit) {
    return (r.getValid() & bit) != 0;
  }

  public static AttrReply run(MetaContext ctx, Tx tx, SetAttrRequest req) {
    Caller c = req.getCaller();
    InodeRecord r = tx.inode(req.getIno());
    InodeRecord.Builder b = r.toBuilder();
    long now = ctx.now();
    boolean changed = false;
    if (has(req, SET_MODE_VALUE)) {
      int mode = req.getMode() & 07777;
      if (!Perms.isOwnerOrRoot(c, r) && !dropsOnlyPrivileges(c, r, mode)) {
        throw StrataException.of(StatusCode.PERMISSION_DENIED, "only the owner or root may chmod inode %d", r.ino());
      }
      if (!Perms.isRoot(c) && !Perms.inGroup(c, r.gid())) {
        mode &= ~InodeRecord.S_ISGID;
      }
      b.mode = r.type() | mode;
      changed = true;
    }
    if (has(req, SET_UID_VALUE) || has(req, SET_GID_VALUE)) {
      chown(c, r, b, req);
      changed = true;
    }
    if (has(req, SET_SIZE_VALUE)) {
      if (r.isDir()) {
        throw StrataException.of(StatusCode.IS_DIRECTORY, "cannot truncate directory %d", r.ino());
      }
      if (r.type() != InodeRecord.S_IFREG) {
        throw StrataException.of(StatusCode.INVALID_ARGUMENT, "cannot truncate non-regular inode %d", r.ino());
      }
      if (!req.getViaHandle()) {
        Perms.check(c, r, Perms.W, "truncate");
      }
      if (req.getSize() > FileLimits.MAX_FILE_SIZE) {
        throw StrataException.of(
            StatusCode.FILE_TOO_BIG, "size %d is past the maximum file size %d", req.getSize(), FileLimits.MAX_FILE_SIZE);
      }
      if (req.getSize() < r.size()) {
        Truncation.dropChunksPast(ctx, tx, r.ino(), req.getSize());
        Truncation.markCutChunkDirty(ctx, tx, r.ino(), req.getSize());
      }
      b.size = req.getSize();
      b.mtimeNs = now;
      changed = true;
    }
    changed |= times(c, r, b, req, now);
    if (has(req, SET_KILL_SUIDGID_VALUE)) {
      killSuidGid(b);
      changed = true;
    }
    if (has(req, SET_CTIME_VALUE)) {
      b.ctimeNs = req.getCtimeNs();
    } else if (changed) {
      b.ctimeNs = now;
    }
    InodeRecord updated = b.build();
    tx.putInode(updated);
    return AttrReply.newBuilder().setAttr(updated.toAttr()).build();
  }

  private static void chown(Caller c, InodeRecord r, InodeRecord.Builder b, SetAttrRequest req) {
    boolean uidChanges = has(req, SET_UID_VALUE) && req.getUid() != r.uid();
    boolean gidChanges = has(req, SET_GID_VALUE) && req.getGid() != r.gid();
    if (!Perms.isRoot(c)) {
      if (uidChanges) {
        throw StrataException.of(StatusCode.PERMISSION_DENIED, "only root may change the owner of inode %d", r.ino());
      }
      if (has(req, SET_UID_VALUE) || has(req, SET_GID_VALUE)) {
        if (c.getUid() != r.uid()) {
          throw StrataException.of(
              StatusCode.PERMISSION_DENIED, "only the owner or root may chown inode %d", r.ino());
        }
      }
      if (gidChanges && !Perms.inGroup(c, req.getGid())) {
        throw StrataException.of(
            StatusCode.PERMISSION_DENIED, "uid %d is not in group %d", c.getUid(), req.getGid());
      }
    }
    if (has(req, SET_UID_VALUE)) {
      b.uid = req.getUid();
    }
    if (has(req, SET_GID_VALUE)) {
      b.gid = req.getGid();
    }
    if (!r.isDir()) {
      killSuidGid(b); // as Linux: a chown drops the privilege bits of files
    }
  }

  private static boolean times(Caller c, InodeRecord r, InodeRecord.Builder b, SetAttrRequest req, long now) {
    boolean explicit = has(req, SET_ATIME_VALUE) || has(req, SET_MTIME_VALUE);
    boolean toNow = has(req, SET_ATIME_NOW_VALUE) || has(req, SET_MTIME_NOW_VALUE);
    if (!explicit && !toNow) {
      return false;
    }
    // Without writeback caching the kernel turns utimensat(NULL) into explicit times (its clock)
    // and has already refused explicit times from a non-owner (default_permissions, EPERM); what
    // reaches here from a non-owner is "now", which write access allows.
    if (!Perms.isOwnerOrRoot(c, r) && !Perms.allowed(c, r, Perms.W)) {
      throw StrataException.of(
          StatusCode.ACCESS_DENIED, "setting times of inode %d needs ownership or write access", r.ino());
    }
    if (has(req, SET_ATIME_NOW_VALUE)) {
      b.atimeNs = now;
    } else if (has(req, SET_ATIME_VALUE)) {
      b.atimeNs = req.getAtimeNs();
    }
    if (has(req, SET_MTIME_NOW_VALUE)) {
      b.mtimeNs = now;
    } else if (has(req, SET_MTIME_VALUE)) {
      b.mtimeNs = req.getMtimeNs();
    }
    return true;
  }

  /**
   * Whether a non-owner's mode change only clears S_ISUID/S_ISGID of a file it may write. The
   * kernel sends exactly that, as the writer, when a write or truncation must drop the privilege
   * bits (should_remove_suid) and the server did not negotiate FUSE_HANDLE_KILLPRIV: refusing it
   * would fail the write itself with EPERM.
   */
  private static boolean dropsOnlyPrivileges(Caller c, InodeRecord r, int mode) {
    int privileges = InodeRecord.S_ISUID | InodeRecord.S_ISGID;
    int old = r.mode() & 07777;
    return !r.isDir()
        && (old & ~privileges) == (mode & ~privileges)
        && (mode & privileges & ~old) == 0
        && mode != old
        && Perms.allowed(c, r, Perms.W);
  }

  /** Clears setuid, and setgid when group-executable (otherwise it marks mandatory locking). */
  static void killSuidGid(InodeRecord.Builder b) {
    b.mode &= ~InodeRecord.S_ISUID;
    if ((b.mode & 0010) != 0) {
      b.mode &= ~InodeRecord.S_ISGID;
    }
  }
}
