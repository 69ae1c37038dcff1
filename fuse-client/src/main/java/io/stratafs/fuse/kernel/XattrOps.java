package io.stratafs.fuse.kernel;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.fuse.vfs.Vfs;
import java.util.List;

/**
 * Extended attribute ops. GETXATTR and LISTXATTR follow the size-probe protocol: size 0 asks for
 * the length (fuse_getxattr_out), a buffer too small is ERANGE. FUSE_SETXATTR_EXT is not
 * negotiated, so fuse_setxattr_in is the 8-byte form.
 */
final class XattrOps {
  static final int SETXATTR_IN_SIZE = 8;

  private final Vfs vfs;

  XattrOps(FuseSession session) {
    this.vfs = session.vfs;
  }

  void register(FuseOp[] table) {
    table[FuseConstants.SETXATTR] = this::setxattr;
    table[FuseConstants.GETXATTR] = this::getxattr;
    table[FuseConstants.LISTXATTR] = this::listxattr;
    table[FuseConstants.REMOVEXATTR] = this::removexattr;
  }

  /** fuse_setxattr_in: size, flags; then the name and the value. */
  private void setxattr(FuseRequest req, FuseReply reply) {
    int size = req.args.getInt();
    int flags = req.args.getInt();
    byte[] name = req.name();
    byte[] value = req.bytes(size);
    vfs.setxattr(req.context(), req.nodeId, name, value, flags);
  }

  /** fuse_getxattr_in: size, padding; then the name. */
  private void getxattr(FuseRequest req, FuseReply reply) {
    int size = req.args.getInt();
    req.args.getInt();
    byte[] name = req.name();
    byte[] value = vfs.getxattr(req.context(), req.nodeId, name);
    answerSized(reply, size, value, "value of xattr");
  }

  private void listxattr(FuseRequest req, FuseReply reply) {
    int size = req.args.getInt();
    List<byte[]> names = vfs.listxattr(req.context(), req.nodeId);
    int total = 0;
    for (byte[] n : names) {
      total += n.length + 1;
    }
    byte[] packed = new byte[total];
    int at = 0;
    for (byte[] n : names) {
      System.arraycopy(n, 0, packed, at, n.length);
      at += n.length + 1; // the NUL is already zero
    }
    answerSized(reply, size, packed, "xattr name list");
  }

  private static void answerSized(FuseReply reply, int size, byte[] data, String what) {
    if (size == 0) {
      reply.payload().putInt(data.length).putInt(0);
    } else if (data.length > size) {
      throw new StrataException(
          StatusCode.RANGE, what + " is " + data.length + " bytes, buffer has " + size);
    } else {
      reply.payload().put(data);
    }
  }

  private void removexattr(FuseRequest req, FuseReply reply) {
    vfs.removexattr(req.context(), req.nodeId, req.name());
  }
}
