package io.stratafs.fuse.kernel;

import io.stratafs.fuse.vfs.Vfs;
import java.nio.ByteBuffer;

/** Directory handle ops: OPENDIR, READDIR, READDIRPLUS, RELEASEDIR, FSYNCDIR. */
final class DirOps {
  private final FuseSession session;
  private final Vfs vfs;

  DirOps(FuseSession session) {
    this.session = session;
    this.vfs = session.vfs;
  }

  void register(FuseOp[] table) {
    table[FuseConstants.OPENDIR] = this::opendir;
    table[FuseConstants.READDIR] = (req, reply) -> readdir(req, reply, false);
    table[FuseConstants.READDIRPLUS] = (req, reply) -> readdir(req, reply, true);
    table[FuseConstants.RELEASEDIR] = this::releasedir;
    table[FuseConstants.FSYNCDIR] = this::fsyncdir;
  }

  private void opendir(FuseRequest req, FuseReply reply) {
    int flags = req.args.getInt();
    FileOps.putOpenOut(reply.payload(), vfs.opendir(req.context(), req.nodeId, flags));
  }

  /**
   * fuse_read_in gives fh, offset and the byte budget. Entries are packed until the next one
   * would not fit; the Vfs hands the refused entry out again on the next call at its offset.
   */
  private void readdir(FuseRequest req, FuseReply reply, boolean plus) {
    ByteBuffer a = req.args;
    long fh = a.getLong();
    long offset = a.getLong();
    int size = a.getInt();
    ByteBuffer out = reply.payload();
    int end = out.position() + Math.min(size, out.remaining());
    vfs.readdir(
        req.context(),
        req.nodeId,
        fh,
        offset,
        plus,
        (name, ino, mode, attr, nextOffset) -> {
          int need =
              plus ? DirentCodec.direntPlusSize(name.length) : DirentCodec.direntSize(name.length);
          if (out.position() + need > end) {
            return false;
          }
          if (plus) {
            boolean counted = attr != null && !DirentCodec.isDotOrDotDot(name);
            DirentCodec.putDirentPlus(
                out, ino, nextOffset, mode, name, counted ? attr : null,
                session.entryTimeout, session.attrTimeout);
            if (counted) {
              session.handOut(reply, attr.getIno());
            }
          } else {
            DirentCodec.putDirent(out, ino, nextOffset, mode, name);
          }
          return true;
        });
  }

  /** fuse_release_in: fh, flags, release_flags, lock_owner. */
  private void releasedir(FuseRequest req, FuseReply reply) {
    vfs.releasedir(req.context(), req.nodeId, req.args.getLong());
  }

  private void fsyncdir(FuseRequest req, FuseReply reply) {
    long fh = req.args.getLong();
    int flags = req.args.getInt();
    vfs.fsyncdir(req.context(), req.nodeId, fh, (flags & FuseConstants.FSYNC_FDATASYNC) != 0);
  }
}
