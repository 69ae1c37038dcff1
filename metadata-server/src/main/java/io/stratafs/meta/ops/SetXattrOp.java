package io.stratafs.meta.ops;

import static io.stratafs.meta.schema.MetaSchema.xattrKey;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.EmptyReply;
import io.stratafs.protocol.meta.SetXattrRequest;

/** setxattr(2) with XATTR_CREATE / XATTR_REPLACE. */
public final class SetXattrOp {
  public static final int XATTR_CREATE = 1;
  public static final int XATTR_REPLACE = 2;

  private SetXattrOp() {}

  public static EmptyReply run(MetaContext ctx, Tx tx, SetXattrRequest req) {
    InodeRecord r = tx.inode(req.getIno());
    byte[] name = req.getName().toByteArray();
    Xattrs.validateName(name);
    if (req.getValue().size() > Xattrs.VALUE_MAX) {
      throw StrataException.of(
          StatusCode.NO_SPACE, "xattr value is %d bytes; at most %d", req.getValue().size(), Xattrs.VALUE_MAX);
    }
    Xattrs.check(req.getCaller(), r, name, Perms.W);
    ctx.policies().validateXattr(name, req.getValue().toByteArray());
    boolean exists = tx.get(Cf.XATTRS, xattrKey(r.ino(), name)) != null;
    if ((req.getFlags() & XATTR_CREATE) != 0 && exists) {
      throw StrataException.of(StatusCode.EXISTS, "xattr '%s' exists (XATTR_CREATE)", Names.show(name));
    }
    if ((req.getFlags() & XATTR_REPLACE) != 0 && !exists) {
      throw StrataException.of(StatusCode.NO_ATTRIBUTE, "no xattr '%s' to replace", Names.show(name));
    }
    tx.put(Cf.XATTRS, xattrKey(r.ino(), name), req.getValue().toByteArray());
    InodeRecord.Builder b = r.toBuilder();
    b.ctimeNs = ctx.now();
    tx.putInode(b.build());
    return EmptyReply.getDefaultInstance();
  }
}
