package io.stratafs.meta.ops;

import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.AttrReply;
import io.stratafs.protocol.meta.MkdirRequest;

/** mkdir(2). */
public final class MkdirOp {
  private MkdirOp() {}

  public static AttrReply run(MetaContext ctx, Tx tx, MkdirRequest req) {
    int mode = InodeRecord.S_IFDIR | (NodeCreator.perm(req.getMode(), req.getUmask()) & 01777);
    InodeRecord r =
        NodeCreator.create(
            ctx, tx, req.getCaller(), req.getParent(), req.getName().toByteArray(), mode, 0, new byte[0]);
    return AttrReply.newBuilder().setAttr(r.toAttr()).setParent(tx.inode(req.getParent()).toAttr()).build();
  }
}
