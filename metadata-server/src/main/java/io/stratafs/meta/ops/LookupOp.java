package io.stratafs.meta.ops;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.schema.Dentry;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.LookupReply;
import io.stratafs.protocol.meta.LookupRequest;

/**
 * One path step: needs search permission on the parent; "." and ".." included. A stat-ahead
 * request also gets the entries after the name, with attributes, when the caller may list the
 * directory.
 */
public final class LookupOp {
  /** Most entries one lookup carries ahead: a bounded scan, like a readdir page. */
  public static final int MAX_STAT_AHEAD = 1024;

  private LookupOp() {}

  public static LookupReply run(Tx tx, LookupRequest req) {
    InodeRecord parent = tx.dir(req.getParent());
    byte[] name = req.getName().toByteArray();
    Names.validate(name);
    Perms.search(req.getCaller(), parent);
    InodeRecord found;
    if (Names.isDot(name)) {
      found = parent;
    } else if (Names.isDotDot(name)) {
      found = tx.inode(parent.parent() == 0 ? parent.ino() : parent.parent());
    } else {
      Dentry d = tx.dentry(parent.ino(), name);
      if (d == null) {
        throw StrataException.of(
            StatusCode.NOT_FOUND, "no entry '%s' in directory %d", Names.show(name), parent.ino());
      }
      found = tx.inode(d.child());
    }
    LookupReply.Builder out = LookupReply.newBuilder().setAttr(found.toAttr());
    if (req.getStatAhead() > 0 && !Names.isDot(name) && !Names.isDotDot(name)
        && Perms.allowed(req.getCaller(), parent, Perms.R)) {
      int limit = Math.min(req.getStatAhead(), MAX_STAT_AHEAD);
      out.setFollowingEof(ReadDirOp.page(tx, parent, name, limit, true, out::addFollowing));
    }
    return out.build();
  }
}
