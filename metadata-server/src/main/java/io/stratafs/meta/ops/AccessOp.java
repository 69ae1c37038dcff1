package io.stratafs.meta.ops;

import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.AccessRequest;
import io.stratafs.protocol.meta.EmptyReply;

/** access(2): R_OK/W_OK/X_OK against the caller's ids (0 = existence). */
public final class AccessOp {
  private AccessOp() {}

  public static EmptyReply run(Tx tx, AccessRequest req) {
    InodeRecord r = tx.inode(req.getIno());
    int mask = req.getMask() & 7;
    if (mask != 0) {
      Perms.check(req.getCaller(), r, mask, "access");
    }
    return EmptyReply.getDefaultInstance();
  }
}
