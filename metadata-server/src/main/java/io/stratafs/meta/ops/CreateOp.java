package io.stratafs.meta.ops;

import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.AttrReply;
import io.stratafs.protocol.meta.CreateRequest;

/** open(O_CREAT|O_EXCL): a new regular file, opened for the caller's session. */
public final class CreateOp {
  private CreateOp() {}

  public static AttrReply run(MetaContext ctx, Tx tx, CreateRequest req) {
    int mode = InodeRecord.S_IFREG | NodeCreator.perm(req.getMode(), req.getUmask());
    InodeRecord r =
        NodeCreator.create(
            ctx, tx, req.getCaller(), req.getParent(), req.getName().toByteArray(), mode, 0, new byte[0]);
    OpenOp.register(ctx, tx, req.getCaller().getSessionId(), r.ino());
    return AttrReply.newBuilder().setAttr(r.toAttr()).setParent(tx.inode(req.getParent()).toAttr()).build();
  }
}
