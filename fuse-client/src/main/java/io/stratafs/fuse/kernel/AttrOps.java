package io.stratafs.fuse.kernel;

import io.stratafs.fuse.vfs.Vfs;

/** Attribute ops: GETATTR, SETATTR, STATFS, ACCESS. */
final class AttrOps {
  private final FuseSession session;
  private final Vfs vfs;

  AttrOps(FuseSession session) {
    this.session = session;
    this.vfs = session.vfs;
  }

  void register(FuseOp[] table) {
    table[FuseConstants.GETATTR] = this::getattr;
    table[FuseConstants.SETATTR] = this::setattr;
    table[FuseConstants.STATFS] = this::statfs;
    table[FuseConstants.ACCESS] = this::access;
  }

  /** fuse_getattr_in: getattr_flags, dummy, fh (valid with FUSE_GETATTR_FH). */
  private void getattr(FuseRequest req, FuseReply reply) {
    long fh = -1;
    if (req.args.remaining() >= 16) {
      int flags = req.args.getInt();
      req.args.getInt();
      long handle = req.args.getLong();
      if ((flags & FuseConstants.GETATTR_FH) != 0) {
        fh = handle;
      }
    }
    AttrCodec.putAttrOut(
        reply.payload(), vfs.getattr(req.context(), req.nodeId, fh), session.attrTimeout);
  }

  private void setattr(FuseRequest req, FuseReply reply) {
    SetAttrCodec.SetAttrIn in = SetAttrCodec.decode(req.args);
    AttrCodec.putAttrOut(
        reply.payload(),
        vfs.setattr(req.context(), req.nodeId, in.change(), in.fh()),
        session.attrTimeout);
  }

  private void statfs(FuseRequest req, FuseReply reply) {
    StatfsCodec.encode(reply.payload(), vfs.statfs(req.context(), req.nodeId));
  }

  /** fuse_access_in: mask, padding. */
  private void access(FuseRequest req, FuseReply reply) {
    vfs.access(req.context(), req.nodeId, req.args.getInt());
  }
}
