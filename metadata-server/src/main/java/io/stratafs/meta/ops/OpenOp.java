package io.stratafs.meta.ops;

import static io.stratafs.meta.schema.MetaSchema.*;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.OpenReply;
import io.stratafs.protocol.meta.OpenRequest;

/** open(2) of an existing inode: checks the access mode and records the open for the session. */
public final class OpenOp {
  public static final int O_ACCMODE = 3;
  public static final int O_WRONLY = 1;
  public static final int O_RDWR = 2;
  public static final int O_TRUNC = 01000;

  private OpenOp() {}

  public static OpenReply run(MetaContext ctx, Tx tx, OpenRequest req) {
    InodeRecord r = tx.inode(req.getIno());
    int acc = req.getFlags() & O_ACCMODE;
    int mask = acc == O_WRONLY ? Perms.W : acc == O_RDWR ? Perms.R | Perms.W : Perms.R;
    if ((req.getFlags() & O_TRUNC) != 0) {
      mask |= Perms.W;
    }
    if (r.isDir() && (mask & Perms.W) != 0) {
      throw StrataException.of(StatusCode.IS_DIRECTORY, "cannot open directory %d for writing", r.ino());
    }
    Perms.check(req.getCaller(), r, mask, "open");
    register(ctx, tx, req.getCaller().getSessionId(), r.ino());
    return OpenReply.newBuilder().setAttr(r.toAttr()).build();
  }

  /** Counts one more open of {@code ino} by {@code session} (0 = no session: not tracked). */
  static void register(MetaContext ctx, Tx tx, long session, long ino) {
    if (session == 0) {
      return;
    }
    if (!ctx.sessions().isLive(session)) {
      throw StrataException.of(
          StatusCode.SESSION_EXPIRED, "session %d is not open (expired?): open a new session", session);
    }
    byte[] key = openByInodeKey(ino, session);
    byte[] v = tx.get(Cf.OPENS, key);
    tx.put(Cf.OPENS, key, u32(v == null ? 1 : readU32(v) + 1));
    tx.put(Cf.OPENS, openBySessionKey(session, ino), new byte[0]);
  }
}
