package io.stratafs.meta.ops;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.schema.Dentry;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.AttrReply;
import io.stratafs.protocol.meta.LinkRequest;

/** link(2): a hard link to a non-directory. */
public final class LinkOp {
  /** Linux's limit for ext4-like filesystems. */
  public static final int LINK_MAX = 65000;

  private LinkOp() {}

  public static AttrReply run(MetaContext ctx, Tx tx, LinkRequest req) {
    // The kernel resolves the new parent before it looks at the source: ENOTDIR comes first.
    InodeRecord parent = tx.dir(req.getNewParent());
    InodeRecord src = tx.inode(req.getIno());
    if (src.isDir()) {
      throw StrataException.of(
          StatusCode.PERMISSION_DENIED, "cannot hard-link directory %d", src.ino());
    }
    if (src.nlink() == 0) {
      throw StrataException.of(StatusCode.NOT_FOUND, "inode %d was unlinked", src.ino());
    }
    if (src.nlink() >= LINK_MAX) {
      throw StrataException.of(StatusCode.TOO_MANY_LINKS, "inode %d has %d links", src.ino(), src.nlink());
    }
    byte[] name = req.getNewName().toByteArray();
    Names.validateNew(name);
    Perms.modifyEntries(req.getCaller(), parent);
    if (tx.dentry(parent.ino(), name) != null) {
      throw StrataException.of(
          StatusCode.EXISTS, "'%s' already exists in directory %d", Names.show(name), parent.ino());
    }
    long now = ctx.now();
    tx.putDentry(parent.ino(), name, new Dentry(src.ino(), src.type()));
    InodeRecord.Builder p = parent.toBuilder();
    p.mtimeNs = p.ctimeNs = now;
    tx.putInode(p.build());
    InodeRecord.Builder s = src.toBuilder();
    s.nlink++;
    s.ctimeNs = now;
    InodeRecord updated = s.build();
    tx.putInode(updated);
    return AttrReply.newBuilder().setAttr(updated.toAttr()).setParent(tx.inode(req.getNewParent()).toAttr()).build();
  }
}
