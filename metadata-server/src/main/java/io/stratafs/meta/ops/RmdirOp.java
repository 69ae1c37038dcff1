package io.stratafs.meta.ops;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.schema.Dentry;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.DirChangeReply;
import io.stratafs.protocol.meta.RmdirRequest;

/** rmdir(2): removes an empty directory. */
public final class RmdirOp {
  private RmdirOp() {}

  public static DirChangeReply run(MetaContext ctx, Tx tx, RmdirRequest req) {
    InodeRecord parent = tx.dir(req.getParent());
    byte[] name = req.getName().toByteArray();
    Names.validate(name);
    if (Names.isDot(name)) {
      throw StrataException.of(StatusCode.INVALID_ARGUMENT, "cannot rmdir '.': name the directory from its parent");
    }
    if (Names.isDotDot(name)) {
      throw StrataException.of(StatusCode.NOT_EMPTY, "cannot rmdir '..'");
    }
    Perms.modifyEntries(req.getCaller(), parent);
    Dentry d = tx.dentry(parent.ino(), name);
    if (d == null) {
      throw StrataException.of(
          StatusCode.NOT_FOUND, "no entry '%s' in directory %d", Names.show(name), parent.ino());
    }
    InodeRecord child = tx.inode(d.child());
    if (!child.isDir()) {
      throw StrataException.of(StatusCode.NOT_DIRECTORY, "'%s' is not a directory", Names.show(name));
    }
    Perms.sticky(req.getCaller(), parent, child);
    if (!tx.dirEmpty(child.ino())) {
      throw StrataException.of(StatusCode.NOT_EMPTY, "directory '%s' is not empty", Names.show(name));
    }
    long now = ctx.now();
    tx.deleteDentry(parent.ino(), name);
    InodeRecord.Builder p = parent.toBuilder();
    p.mtimeNs = p.ctimeNs = now;
    p.nlink--;
    tx.putInode(p.build());
    InodeDeleter.delete(tx, child.ino());
    return DirChangeReply.newBuilder().setParent(tx.inode(req.getParent()).toAttr()).build();
  }
}
