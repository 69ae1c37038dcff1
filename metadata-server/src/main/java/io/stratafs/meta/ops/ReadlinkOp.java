package io.stratafs.meta.ops;

import com.google.protobuf.ByteString;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.ReadlinkReply;
import io.stratafs.protocol.meta.ReadlinkRequest;

/** readlink(2). */
public final class ReadlinkOp {
  private ReadlinkOp() {}

  public static ReadlinkReply run(Tx tx, ReadlinkRequest req) {
    InodeRecord r = tx.inode(req.getIno());
    if (r.type() != InodeRecord.S_IFLNK) {
      throw StrataException.of(StatusCode.INVALID_ARGUMENT, "inode %d is not a symlink", r.ino());
    }
    return ReadlinkReply.newBuilder().setTarget(ByteString.copyFrom(r.target())).build();
  }
}
