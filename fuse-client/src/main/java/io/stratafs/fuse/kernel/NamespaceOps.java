package io.stratafs.fuse.kernel;

import io.stratafs.fuse.vfs.Vfs;

/** Ops that change or read names without handing out entries: UNLINK, RMDIR, RENAME(2), READLINK. */
final class NamespaceOps {
  private final Vfs vfs;

  NamespaceOps(FuseSession session) {
    this.vfs = session.vfs;
  }

  void register(FuseOp[] table) {
    table[FuseConstants.UNLINK] = this::unlink;
    table[FuseConstants.RMDIR] = this::rmdir;
    table[FuseConstants.RENAME] = this::rename;
    table[FuseConstants.RENAME2] = this::rename2;
    table[FuseConstants.READLINK] = this::readlink;
  }

  private void unlink(FuseRequest req, FuseReply reply) {
    vfs.unlink(req.context(), req.nodeId, req.name());
  }

  private void rmdir(FuseRequest req, FuseReply reply) {
    vfs.rmdir(req.context(), req.nodeId, req.name());
  }

  /** fuse_rename_in: newdir; then old name and new name. */
  private void rename(FuseRequest req, FuseReply reply) {
    long newDir = req.args.getLong();
    byte[] name = req.name();
    byte[] newName = req.name();
    vfs.rename(req.context(), req.nodeId, name, newDir, newName, 0);
  }

  /** fuse_rename2_in: newdir, flags (RENAME_NOREPLACE/EXCHANGE), padding; then the names. */
  private void rename2(FuseRequest req, FuseReply reply) {
    long newDir = req.args.getLong();
    int flags = req.args.getInt();
    req.args.getInt();
    byte[] name = req.name();
    byte[] newName = req.name();
    vfs.rename(req.context(), req.nodeId, name, newDir, newName, flags);
  }

  /** The target, without a NUL. */
  private void readlink(FuseRequest req, FuseReply reply) {
    byte[] target = vfs.readlink(req.context(), req.nodeId);
    reply.payload().put(target);
  }
}
