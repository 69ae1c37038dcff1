package io.stratafs.meta.ops;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.AttrReply;
import io.stratafs.protocol.meta.MknodRequest;

/** mknod(2): regular files, FIFOs, sockets and (root only) character and block devices. */
public final class MknodOp {
  private MknodOp() {}

  public static AttrReply run(MetaContext ctx, Tx tx, MknodRequest req) {
    int type = req.getMode() & InodeRecord.S_IFMT;
    if (type == 0) {
      type = InodeRecord.S_IFREG;
    }
    long rdev = 0;
    switch (type) {
      case InodeRecord.S_IFREG, InodeRecord.S_IFIFO, InodeRecord.S_IFSOCK -> {}
      case InodeRecord.S_IFCHR, InodeRecord.S_IFBLK -> {
        if (!Perms.isRoot(req.getCaller())) {
          throw StrataException.of(
              StatusCode.PERMISSION_DENIED, "only root may create device nodes (uid %d)", req.getCaller().getUid());
        }
        rdev = req.getRdev();
      }
      default ->
          throw StrataException.of(
              StatusCode.INVALID_ARGUMENT,
              "mknod creates regular files, FIFOs, sockets and devices, not type %o (use mkdir/symlink)",
              type);
    }
    int mode = type | NodeCreator.perm(req.getMode(), req.getUmask());
    InodeRecord r =
        NodeCreator.create(
            ctx, tx, req.getCaller(), req.getParent(), req.getName().toByteArray(), mode, rdev, new byte[0]);
    return AttrReply.newBuilder().setAttr(r.toAttr()).setParent(tx.inode(req.getParent()).toAttr()).build();
  }
}
