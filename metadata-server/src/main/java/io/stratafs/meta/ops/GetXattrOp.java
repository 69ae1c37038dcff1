package io.stratafs.meta.ops;

import static io.stratafs.meta.schema.MetaSchema.xattrKey;

import com.google.protobuf.ByteString;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.GetXattrReply;
import io.stratafs.protocol.meta.GetXattrRequest;

/** getxattr(2). */
public final class GetXattrOp {
  private GetXattrOp() {}

  public static GetXattrReply run(Tx tx, GetXattrRequest req) {
    InodeRecord r = tx.inode(req.getIno());
    byte[] name = req.getName().toByteArray();
    Xattrs.validateName(name);
    Xattrs.check(req.getCaller(), r, name, Perms.R);
    byte[] v = tx.get(Cf.XATTRS, xattrKey(r.ino(), name));
    if (v == null) {
      throw StrataException.of(StatusCode.NO_ATTRIBUTE, "no xattr '%s' on inode %d", Names.show(name), r.ino());
    }
    return GetXattrReply.newBuilder().setValue(ByteString.copyFrom(v)).build();
  }
}
