package io.stratafs.meta.ops;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.schema.Dentry;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.DirChangeReply;
import io.stratafs.protocol.meta.UnlinkRequest;

/** unlink(2): removes a non-directory name; the inode goes when its last link and open do. */
public final class UnlinkOp {
  private UnlinkOp() {}

  public static DirChangeReply run(MetaContext ctx, Tx tx, UnlinkRequest req) {
    InodeRecord parent = tx.dir(req.getParent());
    byte[] name = req.getName().toByteArray();
    Names.validate(name);
    if (Names.isDot(name) || Names.isDotDot(name)) {
      throw StrataException.of(StatusCode.IS_DIRECTORY, "cannot unlink '%s'", Names.show(name));
    }
    Perms.modifyEntries(req.getCaller(), parent);
    Dentry d = tx.dentry(parent.ino(), name);
    if (d == null) {
      throw StrataException.of(
          StatusCode.NOT_FOUND, "no entry '%s' in directory %d", Names.show(name), parent.ino());
    }
    InodeRecord child = tx.inode(d.child());
    if (child.isDir()) {
      throw StrataException.of(
          StatusCode.IS_DIRECTORY, "'%s' is a directory: use rmdir", Names.show(name));
    }
    Perms.sticky(req.getCaller(), parent, child);
    long now = ctx.now();
    tx.deleteDentry(parent.ino(), name);
    InodeRecord.Builder p = parent.toBuilder();
    p.mtimeNs = p.ctimeNs = now;
    tx.putInode(p.build());
    dropLink(tx, child, now);
    return DirChangeReply.newBuilder().setParent(tx.inode(req.getParent()).toAttr()).build();
  }

  /** One name of a non-directory is gone: nlink down, ctime now, and the end of life at zero. */
  static void dropLink(Tx tx, InodeRecord child, long now) {
    InodeRecord.Builder c = child.toBuilder();
    c.nlink = Math.max(0, c.nlink - 1);
    c.ctimeNs = now;
    InodeRecord updated = c.build();
    if (updated.nlink() == 0) {
      InodeDeleter.unlinked(tx, updated);
    } else {
      tx.putInode(updated);
    }
  }
}
