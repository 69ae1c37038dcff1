package io.stratafs.meta.ops;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.schema.Dentry;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.EmptyReply;
import io.stratafs.protocol.meta.RenameRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * rename(2)/renameat2: moves, replaces or exchanges entries in one batch. A directory moved to
 * another parent gets its ".." pointer updated and both parents' link counts adjusted.
 */
public final class RenameOp {
  public static final int RENAME_NOREPLACE = 1;
  public static final int RENAME_EXCHANGE = 2;

  private final MetaContext ctx;
  private final Tx tx;
  private final Caller caller;
  /** Every inode touched, edited once so aliases (same parent twice) stay consistent. */
  private final Map<Long, InodeRecord.Builder> edits = new LinkedHashMap<>();

  private RenameOp(MetaContext ctx, Tx tx, Caller caller) {
    this.ctx = ctx;
    this.tx = tx;
    this.caller = caller;
  }

  public static EmptyReply run(MetaContext ctx, Tx tx, RenameRequest req) {
    new RenameOp(ctx, tx, req.getCaller()).rename(req);
    return EmptyReply.getDefaultInstance();
  }

  private InodeRecord.Builder edit(long ino) {
    return edits.computeIfAbsent(ino, i -> tx.inode(i).toBuilder());
  }

  private void rename(RenameRequest req) {
    int flags = req.getFlags();
    if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) != 0
        || flags == (RENAME_NOREPLACE | RENAME_EXCHANGE)) {
      throw StrataException.of(StatusCode.INVALID_ARGUMENT, "invalid rename flags %d", flags);
    }
    InodeRecord srcParent = tx.dir(req.getParent());
    InodeRecord dstParent = tx.dir(req.getNewParent());
    byte[] srcName = req.getName().toByteArray();
    byte[] dstName = req.getNewName().toByteArray();
    Names.validate(srcName);
    Names.validate(dstName);
    for (byte[] n : new byte[][] {srcName, dstName}) {
      if (Names.isDot(n) || Names.isDotDot(n)) {
        throw StrataException.of(StatusCode.BUSY, "cannot rename '.' or '..'");
      }
    }
    Perms.modifyEntries(caller, srcParent);
    Perms.modifyEntries(caller, dstParent);
    Dentry srcEntry = tx.dentry(srcParent.ino(), srcName);
    if (srcEntry == null) {
      throw StrataException.of(
          StatusCode.NOT_FOUND, "no entry '%s' in directory %d", Names.show(srcName), srcParent.ino());
    }
    InodeRecord src = tx.inode(srcEntry.child());
    Dentry dstEntry = tx.dentry(dstParent.ino(), dstName);
    InodeRecord dst = dstEntry == null ? null : tx.inode(dstEntry.child());
    if ((flags & RENAME_EXCHANGE) != 0 && dst == null) {
      throw StrataException.of(
          StatusCode.NOT_FOUND, "RENAME_EXCHANGE: no entry '%s' in directory %d", Names.show(dstName), dstParent.ino());
    }
    if (dst != null && (flags & RENAME_NOREPLACE) != 0) {
      throw StrataException.of(
          StatusCode.EXISTS, "RENAME_NOREPLACE: '%s' exists in directory %d", Names.show(dstName), dstParent.ino());
    }
    Perms.sticky(caller, srcParent, src);
    if (dst != null) {
      Perms.sticky(caller, dstParent, dst);
    }
    if (dst != null && dst.ino() == src.ino()) {
      return; // two names of one inode: POSIX says do nothing
    }
    boolean moves = srcParent.ino() != dstParent.ino();
    if (src.isDir() && moves) {
      notIntoOwnSubtree(src.ino(), dstParent.ino());
      Perms.check(caller, src, Perms.W, "move (its '..' changes)");
    }
    long now = ctx.now();
    if ((flags & RENAME_EXCHANGE) != 0) {
      if (dst.isDir() && moves) {
        notIntoOwnSubtree(dst.ino(), srcParent.ino());
        Perms.check(caller, dst, Perms.W, "move (its '..' changes)");
      }
      exchange(srcParent, srcName, src, dstParent, dstName, dst, now);
    } else {
      if (dst != null) {
        replaceChecks(src, dst, dstName);
      }
      move(srcParent, srcName, src, dstParent, dstName, dst, now);
    }
    InodeRecord.Builder sp = edit(srcParent.ino());
    sp.mtimeNs = sp.ctimeNs = now;
    InodeRecord.Builder dp = edit(dstParent.ino());
    dp.mtimeNs = dp.ctimeNs = now;
    for (InodeRecord.Builder b : edits.values()) {
      tx.putInode(b.build());
    }
  }

  private void replaceChecks(InodeRecord src, InodeRecord dst, byte[] dstName) {
    if (src.isDir() && !dst.isDir()) {
      throw StrataException.of(
          StatusCode.NOT_DIRECTORY, "cannot replace non-directory '%s' with a directory", Names.show(dstName));
    }
    if (!src.isDir() && dst.isDir()) {
      throw StrataException.of(
          StatusCode.IS_DIRECTORY, "cannot replace directory '%s' with a non-directory", Names.show(dstName));
    }
    if (dst.isDir() && !tx.dirEmpty(dst.ino())) {
      throw StrataException.of(StatusCode.NOT_EMPTY, "directory '%s' is not empty", Names.show(dstName));
    }
  }

  /** EINVAL when {@code target} is {@code dir} or below it: walk the parents up to the root. */
  private void notIntoOwnSubtree(long dir, long target) {
    long at = target;
    for (int depth = 0; depth < 100_000; depth++) {
      if (at == dir) {
        throw StrataException.of(
            StatusCode.INVALID_ARGUMENT, "cannot move directory %d into its own subtree", dir);
      }
      if (at == MetaContext.ROOT_INO || at == 0) {
        return;
      }
      at = tx.inode(at).parent();
    }
    throw new IllegalStateException("directory parent chain from " + target + " does not end at the root");
  }

  private void move(
      InodeRecord srcParent, byte[] srcName, InodeRecord src,
      InodeRecord dstParent, byte[] dstName, InodeRecord dst, long now) {
    tx.deleteDentry(srcParent.ino(), srcName);
    tx.putDentry(dstParent.ino(), dstName, new Dentry(src.ino(), src.type()));
    InodeRecord.Builder s = edit(src.ino());
    s.ctimeNs = now;
    if (src.isDir() && srcParent.ino() != dstParent.ino()) {
      s.parent = dstParent.ino();
      edit(srcParent.ino()).nlink--;
      edit(dstParent.ino()).nlink++;
    }
    if (dst != null) {
      if (dst.isDir()) {
        edit(dstParent.ino()).nlink--; // the replaced directory's ".." link is gone
        edits.remove(dst.ino());
        InodeDeleter.delete(tx, dst.ino());
      } else {
        InodeRecord.Builder d = edit(dst.ino());
        d.nlink = Math.max(0, d.nlink - 1);
        d.ctimeNs = now;
        if (d.nlink == 0) {
          edits.remove(dst.ino());
          InodeDeleter.unlinked(tx, d.build());
        }
      }
    }
  }

  private void exchange(
      InodeRecord srcParent, byte[] srcName, InodeRecord src,
      InodeRecord dstParent, byte[] dstName, InodeRecord dst, long now) {
    tx.putDentry(srcParent.ino(), srcName, new Dentry(dst.ino(), dst.type()));
    tx.putDentry(dstParent.ino(), dstName, new Dentry(src.ino(), src.type()));
    edit(src.ino()).ctimeNs = now;
    edit(dst.ino()).ctimeNs = now;
    if (srcParent.ino() != dstParent.ino()) {
      if (src.isDir()) {
        edit(src.ino()).parent = dstParent.ino();
        edit(srcParent.ino()).nlink--;
        edit(dstParent.ino()).nlink++;
      }
      if (dst.isDir()) {
        edit(dst.ino()).parent = srcParent.ino();
        edit(dstParent.ino()).nlink--;
        edit(srcParent.ino()).nlink++;
      }
    }
  }
}
