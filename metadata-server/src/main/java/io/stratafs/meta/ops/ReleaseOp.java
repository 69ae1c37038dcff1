package io.stratafs.meta.ops;

import static io.stratafs.meta.schema.MetaSchema.*;

import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.EmptyReply;
import io.stratafs.protocol.meta.ReleaseRequest;

/**
 * close(2) of the last descriptor of an open (or of several, batched): the orphan goes with its
 * last release. Opens are counted per session and inode, so a release that arrives after a later
 * open of the same inode still leaves that open counted.
 */
public final class ReleaseOp {
  private ReleaseOp() {}

  public static EmptyReply run(Tx tx, ReleaseRequest req) {
    long session = req.getCaller().getSessionId();
    release(tx, session, req.getIno(), false);
    for (long ino : req.getMoreInosList()) {
      release(tx, session, ino, false);
    }
    return EmptyReply.getDefaultInstance();
  }

  /** Drops one open (or all of the session's, {@code all}); deletes an orphan nobody holds. */
  static void release(Tx tx, long session, long ino, boolean all) {
    if (session == 0) {
      return;
    }
    byte[] key = openByInodeKey(ino, session);
    byte[] v = tx.get(Cf.OPENS, key);
    if (v == null) {
      return; // released twice, or after the session expired: nothing held
    }
    int left = all ? 0 : readU32(v) - 1;
    if (left > 0) {
      tx.put(Cf.OPENS, key, u32(left));
      return;
    }
    tx.delete(Cf.OPENS, key);
    tx.delete(Cf.OPENS, openBySessionKey(session, ino));
    InodeRecord r = tx.inodeOrNull(ino);
    if (r != null && r.isOrphan() && !tx.isOpen(ino)) {
      InodeDeleter.delete(tx, ino);
    }
  }
}
