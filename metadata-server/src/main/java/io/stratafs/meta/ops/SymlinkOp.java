package io.stratafs.meta.ops;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.AttrReply;
import io.stratafs.protocol.meta.SymlinkRequest;

/** symlink(2): the target is stored in the inode; size = target length. */
public final class SymlinkOp {
  /** PATH_MAX, as Linux limits symlink targets. */
  public static final int TARGET_MAX = 4096;

  private SymlinkOp() {}

  public static AttrReply run(MetaContext ctx, Tx tx, SymlinkRequest req) {
    byte[] target = req.getTarget().toByteArray();
    if (target.length == 0) {
      throw StrataException.of(StatusCode.NOT_FOUND, "symlink target is empty");
    }
    if (target.length >= TARGET_MAX) {
      throw StrataException.of(
          StatusCode.NAME_TOO_LONG, "symlink target is %d bytes; at most %d", target.length, TARGET_MAX - 1);
    }
    InodeRecord r =
        NodeCreator.create(
            ctx, tx, req.getCaller(), req.getParent(), req.getName().toByteArray(),
            InodeRecord.S_IFLNK | 0777, 0, target);
    return AttrReply.newBuilder().setAttr(r.toAttr()).setParent(tx.inode(req.getParent()).toAttr()).build();
  }
}
