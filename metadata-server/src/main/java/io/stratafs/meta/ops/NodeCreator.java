package io.stratafs.meta.ops;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.policy.Policies;
import io.stratafs.meta.schema.Dentry;
import io.stratafs.meta.schema.MetaSchema;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.Caller;

/**
 * The shared part of create, mknod, mkdir and symlink: checks the parent, allocates the inode,
 * applies the setgid-directory rules, copies the parent's storage policy, links the entry and
 * touches the parent.
 */
final class NodeCreator {
  private NodeCreator() {}

  static InodeRecord create(
      MetaContext ctx, Tx tx, Caller c, long parentIno, byte[] name, int mode, long rdev, byte[] target) {
    InodeRecord parent = tx.dir(parentIno);
    Names.validateNew(name);
    Perms.modifyEntries(c, parent);
    if (tx.dentry(parentIno, name) != null) {
      throw StrataException.of(
          StatusCode.EXISTS, "'%s' already exists in directory %d", Names.show(name), parentIno);
    }
    long now = ctx.now();
    InodeRecord.Builder b = InodeRecord.builder();
    b.ino = ctx.inodeIds().next();
    b.mode = mode;
    b.uid = c.getUid();
    b.gid = c.getGid();
    boolean isDir = (mode & InodeRecord.S_IFMT) == InodeRecord.S_IFDIR;
    if ((parent.mode() & InodeRecord.S_ISGID) != 0) {
      b.gid = parent.gid();
      if (isDir) {
        b.mode |= InodeRecord.S_ISGID;
      }
    }
    if (!isDir && (b.mode & InodeRecord.S_ISGID) != 0 && !Perms.isRoot(c) && !Perms.inGroup(c, b.gid)) {
      b.mode &= ~InodeRecord.S_ISGID; // as Linux: no setgid file for a group one is not in
    }
    b.atimeNs = b.mtimeNs = b.ctimeNs = now;
    b.nlink = isDir ? 2 : 1;
    b.rdev = rdev;
    b.parent = isDir ? parentIno : 0;
    b.target = target;
    b.size = target.length;
    InodeRecord child = b.build();
    tx.putInode(child);
    inheritPolicy(tx, parentIno, child);
    tx.putDentry(parentIno, name, new Dentry(child.ino(), child.type()));
    InodeRecord.Builder p = parent.toBuilder();
    p.mtimeNs = p.ctimeNs = now;
    if (isDir) {
      p.nlink++;
    }
    tx.putInode(p.build());
    return child;
  }

  /** Policies are inherited at creation (like HDFS): the parent's xattr is copied to new dirs and files. */
  private static void inheritPolicy(Tx tx, long parentIno, InodeRecord child) {
    if (!child.isDir() && child.type() != InodeRecord.S_IFREG) {
      return;
    }
    byte[] policy = tx.get(Cf.XATTRS, MetaSchema.xattrKey(parentIno, Policies.XATTR_BYTES));
    if (policy != null) {
      tx.put(Cf.XATTRS, MetaSchema.xattrKey(child.ino(), Policies.XATTR_BYTES), policy);
    }
  }

  /** The permission bits a new node gets: requested bits less the umask. */
  static int perm(int mode, int umask) {
    return mode & ~umask & 07777;
  }
}
