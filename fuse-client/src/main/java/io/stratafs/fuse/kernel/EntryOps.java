package io.stratafs.fuse.kernel;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.fuse.vfs.Vfs;
import io.stratafs.protocol.meta.Attr;
import java.nio.ByteBuffer;

/**
 * Ops that answer with a directory entry and so hand the kernel a lookup reference: LOOKUP,
 * MKNOD, MKDIR, SYMLINK, LINK, CREATE. Stateless beyond the session.
 */
final class EntryOps {
  private final FuseSession session;
  private final Vfs vfs;

  EntryOps(FuseSession session) {
    this.session = session;
    this.vfs = session.vfs;
  }

  void register(FuseOp[] table) {
    table[FuseConstants.LOOKUP] = this::lookup;
    table[FuseConstants.MKNOD] = this::mknod;
    table[FuseConstants.MKDIR] = this::mkdir;
    table[FuseConstants.SYMLINK] = this::symlink;
    table[FuseConstants.LINK] = this::link;
    table[FuseConstants.CREATE] = this::create;
  }

  /**
   * A missing name is answered with a negative entry (nodeid 0, the entry timeout) so the kernel
   * caches the miss like a hit: repeated stat/open of a name that does not exist (PATH and
   * include searches, create-if-absent) stops costing a metadata RPC each. This mount's own
   * create, mkdir, link, symlink and rename replace the negative dentry at once; a name created by
   * another client is seen once the entry timeout has passed, the bound positive entries already
   * have. With a zero entry timeout nothing would be cached, so ENOENT is answered as before.
   */
  private void lookup(FuseRequest req, FuseReply reply) {
    byte[] name = req.name();
    Vfs.Entry entry;
    try {
      entry = vfs.lookupEntry(req.context(), req.nodeId, name);
    } catch (StrataException e) {
      if (e.code() != StatusCode.NOT_FOUND || session.entryTimeout.isZero()) {
        throw e;
      }
      AttrCodec.putNegativeEntryOut(reply.payload(), session.entryTimeout);
      return;
    }
    session.replyEntry(reply, entry.attr(), entry.ageNanos());
  }

  /** fuse_mknod_in: mode, rdev, umask, padding; then the name. */
  private void mknod(FuseRequest req, FuseReply reply) {
    ByteBuffer a = req.args;
    int mode = a.getInt();
    long rdev = Integer.toUnsignedLong(a.getInt());
    int umask = a.getInt();
    a.getInt();
    byte[] name = req.name();
    session.replyEntry(reply, vfs.mknod(req.context(), req.nodeId, name, mode, umask, rdev));
  }

  /** fuse_mkdir_in: mode, umask; then the name. */
  private void mkdir(FuseRequest req, FuseReply reply) {
    int mode = req.args.getInt();
    int umask = req.args.getInt();
    byte[] name = req.name();
    session.replyEntry(reply, vfs.mkdir(req.context(), req.nodeId, name, mode, umask));
  }

  /** The link's name, then its target, both NUL-terminated. */
  private void symlink(FuseRequest req, FuseReply reply) {
    byte[] name = req.name();
    byte[] target = req.name();
    session.replyEntry(reply, vfs.symlink(req.context(), req.nodeId, name, target));
  }

  /** fuse_link_in: the existing inode; the header's node is the new parent. */
  private void link(FuseRequest req, FuseReply reply) {
    long oldNode = req.args.getLong();
    byte[] newName = req.name();
    session.replyEntry(reply, vfs.link(req.context(), oldNode, req.nodeId, newName));
  }

  /** fuse_create_in: flags, mode, umask, open_flags; then the name. Answers entry + open. */
  private void create(FuseRequest req, FuseReply reply) {
    ByteBuffer a = req.args;
    int flags = a.getInt();
    int mode = a.getInt();
    int umask = a.getInt();
    a.getInt();
    byte[] name = req.name();
    Vfs.Created created = vfs.create(req.context(), req.nodeId, name, mode, umask, flags);
    Attr attr = created.attr();
    session.replyEntry(reply, attr);
    FileOps.putOpenOut(reply.payload(), created.fh());
  }
}
