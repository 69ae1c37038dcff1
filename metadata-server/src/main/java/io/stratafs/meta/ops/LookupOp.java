package io.stratafs.meta.ops;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.schema.Dentry;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.AttrReply;
import io.stratafs.protocol.meta.LookupRequest;

/** One path step: needs search permission on the parent; "." and ".." included. */
public final class LookupOp {
  private LookupOp() {}

  public static AttrReply run(Tx tx, LookupRequest req) {
    InodeRecord parent = tx.dir(req.getParent());
    byte[] name = req.getName().toByteArray();
    Names.validate(name);
    Perms.search(req.getCaller(), parent);
    InodeRecord found;
    if (Names.isDot(name)) {
      found = parent;
    } else if (Names.isDotDot(name)) {
      found = tx.inode(parent.parent() == 0 ? parent.ino() : parent.parent());
    } else {
      Dentry d = tx.dentry(parent.ino(), name);
      if (d == null) {
        throw StrataException.of(
            StatusCode.NOT_FOUND, "no entry '%s' in directory %d", Names.show(name), parent.ino());
      }
      found = tx.inode(d.child());
    }
    return AttrReply.newBuilder().setAttr(found.toAttr()).build();
  }
}
