package io.stratafs.meta.ops;

import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.AttrReply;
import io.stratafs.protocol.meta.CommitWriteRequest;

/** After data reached the replicas: size = max(size, new_size), mtime/ctime now, privileges dropped. */
public final class CommitWriteOp {
  private CommitWriteOp() {}

  public static AttrReply run(MetaContext ctx, Tx tx, CommitWriteRequest req) {
    InodeRecord r = GetChunksOp.regularFile(tx, req.getIno());
    InodeRecord.Builder b = r.toBuilder();
    b.size = Math.max(r.size(), req.getNewSize());
    b.mtimeNs = b.ctimeNs = ctx.now();
    if (!Perms.isRoot(req.getCaller())) {
      SetAttrOp.killSuidGid(b);
    }
    InodeRecord updated = b.build();
    tx.putInode(updated);
    return AttrReply.newBuilder().setAttr(updated.toAttr()).build();
  }
}
