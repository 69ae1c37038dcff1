package io.stratafs.meta.ops;

import io.stratafs.protocol.meta.AttrReply;
import io.stratafs.protocol.meta.GetAttrRequest;

/** stat(2) by inode: no permission needed beyond the lookup that found it. */
public final class GetAttrOp {
  private GetAttrOp() {}

  public static AttrReply run(Tx tx, GetAttrRequest req) {
    return AttrReply.newBuilder().setAttr(tx.inode(req.getIno()).toAttr()).build();
  }
}
