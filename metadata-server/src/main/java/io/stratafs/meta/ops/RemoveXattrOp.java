package io.stratafs.meta.ops;

import static io.stratafs.meta.schema.MetaSchema.xattrKey;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.EmptyReply;
import io.stratafs.protocol.meta.RemoveXattrRequest;

/** removexattr(2). */
public final class RemoveXattrOp {
  private RemoveXattrOp() {}

  public static EmptyReply run(MetaContext ctx, Tx tx, RemoveXattrRequest req) {
    InodeRecord r = tx.inode(req.getIno());
    byte[] name = req.getName().toByteArray();
    Xattrs.validateName(name);
    Xattrs.check(req.getCaller(), r, name, Perms.W);
    if (tx.get(Cf.XATTRS, xattrKey(r.ino(), name)) == null) {
      throw StrataException.of(StatusCode.NO_ATTRIBUTE, "no xattr '%s' on inode %d", Names.show(name), r.ino());
    }
    tx.delete(Cf.XATTRS, xattrKey(r.ino(), name));
    InodeRecord.Builder b = r.toBuilder();
    b.ctimeNs = ctx.now();
    tx.putInode(b.build());
    return EmptyReply.getDefaultInstance();
  }
}
