package io.stratafs.fuse.kernel;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.fuse.vfs.FileLock;
import io.stratafs.fuse.vfs.Interruption;
import io.stratafs.fuse.vfs.SetAttrChange;
import io.stratafs.fuse.vfs.Vfs;
import io.stratafs.fuse.vfs.VfsContext;
import io.stratafs.protocol.meta.Attr;
import io.stratafs.protocol.meta.SetAttrField;
import io.stratafs.protocol.meta.StatFsReply;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test fixture: a small, correct in-memory {@link Vfs}, one lock around everything. Names are
 * kept as ISO-8859-1 strings so arbitrary bytes round-trip. Permission checks are left to the
 * kernel (the adapter mounts with default_permissions).
 */
final class MemoryVfs implements Vfs {
  static final long CAPACITY_BYTES = 1L << 30;
  static final int S_IFMT = 0170000;
  static final int S_IFDIR = 0040000;
  static final int S_IFREG = 0100000;
  static final int S_IFLNK = 0120000;

  private static final class Node {
    final long ino;
    int mode;
    int uid;
    int gid;
    int nlink;
    long rdev;
    long atimeNs;
    long mtimeNs;
    long ctimeNs;
    byte[] data = new byte[0];
    long size;
    byte[] target;
    long parent;
    final TreeMap<String, Long> children = new TreeMap<>();
    final Map<String, byte[]> xattrs = new TreeMap<>();

    Node(long ino, int mode, int uid, int gid) {
      this.ino = ino;
      this.mode = mode;
      this.uid = uid;
      this.gid = gid;
      long now = now();
      atimeNs = mtimeNs = ctimeNs = now;
    }

    boolean isDir() {
      return (mode & S_IFMT) == S_IFDIR;
    }

    Attr attr() {
      return Attr.newBuilder().setIno(ino).setMode(mode).setUid(uid).setGid(gid).setSize(size)
          .setAtimeNs(atimeNs).setMtimeNs(mtimeNs).setCtimeNs(ctimeNs).setNlink(nlink)
          .setRdev(rdev).setGeneration(1).build();
    }
  }

  private final Map<Long, Node> nodes = new HashMap<>();
  private final AtomicLong nextIno = new AtomicLong(2);
  private final AtomicLong nextFh = new AtomicLong(1);
  private final Map<Long, Long> forgotten = new HashMap<>();
  final AtomicBoolean closed = new AtomicBoolean();

  MemoryVfs() {
    Node root = new Node(1, S_IFDIR | 0777, 0, 0);
    root.nlink = 2;
    root.parent = 1;
    nodes.put(1L, root);
  }

  private static long now() {
    java.time.Instant i = java.time.Instant.now();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private static String key(byte[] name) {
    return new String(name, StandardCharsets.ISO_8859_1);
  }

  private static StrataException err(StatusCode c, String what) {
    return new StrataException(c, what);
  }

  private Node node(long ino) {
    Node n = nodes.get(ino);
    if (n == null) {
      throw err(StatusCode.NOT_FOUND, "no inode " + ino);
    }
    return n;
  }

  private Node dir(long ino) {
    Node n = node(ino);
    if (!n.isDir()) {
      throw err(StatusCode.NOT_DIRECTORY, "inode " + ino + " is not a directory");
    }
    return n;
  }

  private Node child(Node parent, byte[] name) {
    Long ino = parent.children.get(key(name));
    if (ino == null) {
      throw err(StatusCode.NOT_FOUND, key(name));
    }
    return node(ino);
  }

  private Node newChild(VfsContext ctx, Node parent, byte[] name, int mode) {
    if (name.length > 255) {
      throw err(StatusCode.NAME_TOO_LONG, key(name));
    }
    if (parent.children.containsKey(key(name))) {
      throw err(StatusCode.EXISTS, key(name));
    }
    Node n = new Node(nextIno.getAndIncrement(), mode, ctx.uid(), ctx.gid());
    n.nlink = n.isDir() ? 2 : 1;
    n.parent = parent.ino;
    if (n.isDir()) {
      parent.nlink++;
    }
    nodes.put(n.ino, n);
    parent.children.put(key(name), n.ino);
    parent.mtimeNs = parent.ctimeNs = now();
    return n;
  }

  synchronized long forgottenCount(long ino) {
    return forgotten.getOrDefault(ino, 0L);
  }

  @Override
  public synchronized Attr lookup(VfsContext ctx, long parent, byte[] name) {
    Node p = dir(parent);
    if (Arrays.equals(name, ".".getBytes())) {
      return p.attr();
    }
    if (Arrays.equals(name, "..".getBytes())) {
      return node(p.parent).attr();
    }
    return child(p, name).attr();
  }

  @Override
  public synchronized void forget(long ino, long nlookup) {
    forgotten.merge(ino, nlookup, Long::sum);
  }

  @Override
  public synchronized Attr getattr(VfsContext ctx, long ino, long fh) {
    return node(ino).attr();
  }

  @Override
  public synchronized Attr setattr(VfsContext ctx, long ino, SetAttrChange c, long fh) {
    Node n = node(ino);
    long now = now();
    if (c.has(SetAttrField.SET_MODE_VALUE)) {
      n.mode = (n.mode & S_IFMT) | (c.mode() & 07777);
    }
    if (c.has(SetAttrField.SET_UID_VALUE)) {
      n.uid = c.uid();
    }
    if (c.has(SetAttrField.SET_GID_VALUE)) {
      n.gid = c.gid();
    }
    if (c.has(SetAttrField.SET_SIZE_VALUE)) {
      if (n.isDir()) {
        throw err(StatusCode.IS_DIRECTORY, "truncate of a directory");
      }
      resize(n, c.size());
      n.size = c.size();
      n.mtimeNs = now;
    }
    if (c.has(SetAttrField.SET_ATIME_NOW_VALUE)) {
      n.atimeNs = now;
    } else if (c.has(SetAttrField.SET_ATIME_VALUE)) {
      n.atimeNs = c.atimeNs();
    }
    if (c.has(SetAttrField.SET_MTIME_NOW_VALUE)) {
      n.mtimeNs = now;
    } else if (c.has(SetAttrField.SET_MTIME_VALUE)) {
      n.mtimeNs = c.mtimeNs();
    }
    n.ctimeNs = c.has(SetAttrField.SET_CTIME_VALUE) ? c.ctimeNs() : now;
    return n.attr();
  }

  private static void resize(Node n, long size) {
    if (size > Integer.MAX_VALUE - 8) {
      throw err(StatusCode.FILE_TOO_BIG, "memory files stay under 2 GiB");
    }
    if (size > n.data.length) {
      n.data = Arrays.copyOf(n.data, (int) Math.max(size, Math.min(2L * n.data.length,
          Integer.MAX_VALUE - 8)));
    } else if (size < n.size) {
      Arrays.fill(n.data, (int) size, (int) n.size, (byte) 0);
    }
  }

  @Override
  public synchronized Attr mknod(
      VfsContext ctx, long parent, byte[] name, int mode, int umask, long rdev) {
    Node n = newChild(ctx, dir(parent), name, mode);
    n.rdev = rdev;
    return n.attr();
  }

  @Override
  public synchronized Attr mkdir(VfsContext ctx, long parent, byte[] name, int mode, int umask) {
    return newChild(ctx, dir(parent), name, S_IFDIR | (mode & 07777)).attr();
  }

  @Override
  public synchronized void unlink(VfsContext ctx, long parent, byte[] name) {
    Node p = dir(parent);
    Node n = child(p, name);
    if (n.isDir()) {
      throw err(StatusCode.IS_DIRECTORY, key(name));
    }
    p.children.remove(key(name));
    n.nlink--;
    n.ctimeNs = p.mtimeNs = p.ctimeNs = now();
  }

  @Override
  public synchronized void rmdir(VfsContext ctx, long parent, byte[] name) {
    Node p = dir(parent);
    Node n = child(p, name);
    if (!n.isDir()) {
      throw err(StatusCode.NOT_DIRECTORY, key(name));
    }
    if (!n.children.isEmpty()) {
      throw err(StatusCode.NOT_EMPTY, key(name));
    }
    p.children.remove(key(name));
    p.nlink--;
    n.nlink = 0;
    p.mtimeNs = p.ctimeNs = now();
  }

  @Override
  public synchronized Attr symlink(VfsContext ctx, long parent, byte[] name, byte[] target) {
    Node n = newChild(ctx, dir(parent), name, S_IFLNK | 0777);
    n.target = target.clone();
    n.size = target.length;
    return n.attr();
  }

  @Override
  public synchronized byte[] readlink(VfsContext ctx, long ino) {
    Node n = node(ino);
    if (n.target == null) {
      throw err(StatusCode.INVALID_ARGUMENT, "not a symlink");
    }
    return n.target.clone();
  }

  @Override
  public synchronized Attr link(VfsContext ctx, long ino, long newParent, byte[] newName) {
    Node n = node(ino);
    if (n.isDir()) {
      throw err(StatusCode.PERMISSION_DENIED, "hard link to a directory");
    }
    Node p = dir(newParent);
    if (p.children.containsKey(key(newName))) {
      throw err(StatusCode.EXISTS, key(newName));
    }
    p.children.put(key(newName), ino);
    n.nlink++;
    n.ctimeNs = p.mtimeNs = now();
    return n.attr();
  }

  @Override
  public synchronized void rename(
      VfsContext ctx, long parent, byte[] name, long newParent, byte[] newName, int flags) {
    Node from = dir(parent);
    Node to = dir(newParent);
    Node n = child(from, name);
    Long existing = to.children.get(key(newName));
    if ((flags & 2) != 0) { // RENAME_EXCHANGE
      if (existing == null) {
        throw err(StatusCode.NOT_FOUND, key(newName));
      }
      from.children.put(key(name), existing);
      to.children.put(key(newName), n.ino);
      return;
    }
    if (existing != null) {
      if ((flags & 1) != 0) {
        throw err(StatusCode.EXISTS, key(newName));
      }
      if (existing == n.ino) {
        return;
      }
      Node victim = node(existing);
      if (victim.isDir()) {
        if (!n.isDir()) {
          throw err(StatusCode.IS_DIRECTORY, key(newName));
        }
        if (!victim.children.isEmpty()) {
          throw err(StatusCode.NOT_EMPTY, key(newName));
        }
        to.nlink--;
        victim.nlink = 0;
      } else {
        if (n.isDir()) {
          throw err(StatusCode.NOT_DIRECTORY, key(newName));
        }
        victim.nlink--;
      }
    }
    from.children.remove(key(name));
    to.children.put(key(newName), n.ino);
    if (n.isDir() && from != to) {
      from.nlink--;
      to.nlink++;
      n.parent = to.ino;
    }
    long now = now();
    n.ctimeNs = from.mtimeNs = to.mtimeNs = now;
  }

  @Override
  public synchronized long open(VfsContext ctx, long ino, int flags) {
    Node n = node(ino);
    if (n.isDir() && (flags & 3) != 0) {
      throw err(StatusCode.IS_DIRECTORY, "open of a directory for writing");
    }
    return nextFh.getAndIncrement();
  }

  @Override
  public synchronized Created create(
      VfsContext ctx, long parent, byte[] name, int mode, int umask, int flags) {
    Node n = newChild(ctx, dir(parent), name, S_IFREG | (mode & 07777));
    return new Created(n.attr(), nextFh.getAndIncrement());
  }

  @Override
  public synchronized int read(VfsContext ctx, long ino, long fh, long offset, ByteBuffer dst) {
    Node n = node(ino);
    if (offset >= n.size) {
      return 0;
    }
    int len = (int) Math.min(dst.remaining(), n.size - offset);
    dst.put(dst.position(), n.data, (int) offset, len);
    return len;
  }

  @Override
  public synchronized int write(
      VfsContext ctx, long ino, long fh, long offset, ByteBuffer src, int flags) {
    Node n = node(ino);
    int len = src.remaining();
    long end = offset + len;
    if (end > n.size) {
      resize(n, end);
      n.size = end;
    }
    src.get(src.position(), n.data, (int) offset, len);
    n.mtimeNs = n.ctimeNs = now();
    return len;
  }

  @Override
  public void flush(VfsContext ctx, long ino, long fh, long lockOwner) {}

  @Override
  public void release(VfsContext ctx, long ino, long fh, int flags) {}

  @Override
  public void fsync(VfsContext ctx, long ino, long fh, boolean datasync) {}

  @Override
  public synchronized long opendir(VfsContext ctx, long ino, int flags) {
    dir(ino);
    return nextFh.getAndIncrement();
  }

  /** Offsets are positions in [".", "..", children in name order]; position i resumes at i. */
  @Override
  public void readdir(
      VfsContext ctx, long ino, long fh, long offset, boolean plus, DirFiller filler) {
    record E(byte[] name, Node node) {}
    List<E> entries = new ArrayList<>();
    synchronized (this) {
      Node d = dir(ino);
      entries.add(new E(".".getBytes(), d));
      entries.add(new E("..".getBytes(), node(d.parent)));
      for (Map.Entry<String, Long> c : d.children.entrySet()) {
        entries.add(new E(c.getKey().getBytes(StandardCharsets.ISO_8859_1), node(c.getValue())));
      }
    }
    for (int i = (int) offset; i < entries.size(); i++) {
      E e = entries.get(i);
      Attr attr;
      synchronized (this) {
        attr = plus ? e.node().attr() : null;
      }
      if (!filler.add(e.name(), e.node().ino, e.node().mode, attr, i + 1)) {
        return;
      }
    }
  }

  @Override
  public void releasedir(VfsContext ctx, long ino, long fh) {}

  @Override
  public void fsyncdir(VfsContext ctx, long ino, long fh, boolean datasync) {}

  @Override
  public synchronized StatFsReply statfs(VfsContext ctx, long ino) {
    long used = 0;
    for (Node n : nodes.values()) {
      used += n.size;
    }
    return StatFsReply.newBuilder().setTotalBytes(CAPACITY_BYTES)
        .setFreeBytes(CAPACITY_BYTES - used).setAvailBytes(CAPACITY_BYTES - used)
        .setTotalInodes(1_000_000).setFreeInodes(1_000_000 - nodes.size()).setBlockSize(4096)
        .setNameMax(255).build();
  }

  @Override
  public synchronized void setxattr(
      VfsContext ctx, long ino, byte[] name, byte[] value, int flags) {
    Node n = node(ino);
    boolean has = n.xattrs.containsKey(key(name));
    if ((flags & 1) != 0 && has) {
      throw err(StatusCode.EXISTS, key(name));
    }
    if ((flags & 2) != 0 && !has) {
      throw err(StatusCode.NO_ATTRIBUTE, key(name));
    }
    n.xattrs.put(key(name), value.clone());
  }

  @Override
  public synchronized byte[] getxattr(VfsContext ctx, long ino, byte[] name) {
    byte[] v = node(ino).xattrs.get(key(name));
    if (v == null) {
      throw err(StatusCode.NO_ATTRIBUTE, key(name));
    }
    return v.clone();
  }

  @Override
  public synchronized List<byte[]> listxattr(VfsContext ctx, long ino) {
    List<byte[]> out = new ArrayList<>();
    for (String k : node(ino).xattrs.keySet()) {
      out.add(k.getBytes(StandardCharsets.ISO_8859_1));
    }
    return out;
  }

  @Override
  public synchronized void removexattr(VfsContext ctx, long ino, byte[] name) {
    if (node(ino).xattrs.remove(key(name)) == null) {
      throw err(StatusCode.NO_ATTRIBUTE, key(name));
    }
  }

  @Override
  public synchronized void access(VfsContext ctx, long ino, int mask) {
    node(ino);
  }

  /** A held lock: POSIX semantics without merging (an owner's locks never conflict anyway). */
  private record HeldLock(long ino, long owner, boolean flock, long fh, long start, long end, int type, int pid) {
    boolean blocks(long otherOwner, boolean otherFlock, long s, long e, int t) {
      return owner != otherOwner && flock == otherFlock && start <= e && s <= end
          && (type == FileLock.F_WRLCK || t == FileLock.F_WRLCK);
    }
  }

  private final List<HeldLock> locks = new ArrayList<>();

  private HeldLock conflict(long ino, long owner, boolean flock, long s, long e, int type) {
    if (type == FileLock.F_UNLCK) {
      return null;
    }
    for (HeldLock l : locks) {
      if (l.ino == ino && l.blocks(owner, flock, s, e, type)) {
        return l;
      }
    }
    return null;
  }

  @Override
  public synchronized FileLock getlk(VfsContext ctx, long ino, long fh, long owner, FileLock lock) {
    HeldLock l = conflict(ino, owner, false, lock.start(), lock.end(), lock.type());
    return l == null ? FileLock.unlocked() : new FileLock(l.start, l.end, l.type, l.pid);
  }

  @Override
  public synchronized void setlk(
      VfsContext ctx, long ino, long fh, long owner, FileLock lock, boolean flock, boolean sleep,
      Interruption interruption) {
    long s = flock ? 0 : lock.start();
    long e = flock ? FileLock.EOF : lock.end();
    if (sleep) {
      interruption.onInterrupt(this::wakeLockWaiters);
    }
    while (conflict(ino, owner, flock, s, e, lock.type()) != null) {
      if (!sleep) {
        throw err(StatusCode.WOULD_BLOCK, "locked");
      }
      if (interruption.interrupted()) {
        throw err(StatusCode.INTERRUPTED, "lock wait interrupted");
      }
      try {
        wait();
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw err(StatusCode.INTERRUPTED, "lock wait interrupted");
      }
    }
    List<HeldLock> kept = new ArrayList<>();
    for (HeldLock l : locks) {
      if (l.ino != ino || l.owner != owner || l.flock != flock || l.end < s || e < l.start) {
        kept.add(l);
        continue;
      }
      if (l.start < s) {
        kept.add(new HeldLock(ino, owner, flock, l.fh, l.start, s - 1, l.type, l.pid));
      }
      if (l.end > e) {
        kept.add(new HeldLock(ino, owner, flock, l.fh, e + 1, l.end, l.type, l.pid));
      }
    }
    if (lock.type() != FileLock.F_UNLCK) {
      kept.add(new HeldLock(ino, owner, flock, fh, s, e, lock.type(), lock.pid()));
    }
    locks.clear();
    locks.addAll(kept);
    notifyAll();
  }

  private synchronized void wakeLockWaiters() {
    notifyAll();
  }

  @Override
  public synchronized void unlockPosix(VfsContext ctx, long ino, long owner) {
    locks.removeIf(l -> l.ino == ino && !l.flock && l.owner == owner);
    notifyAll();
  }

  @Override
  public synchronized void releaseLocks(VfsContext ctx, long ino, long fh, boolean flockUnlock, long flockOwner) {
    locks.removeIf(l -> l.ino == ino && (l.flock ? flockUnlock && l.owner == flockOwner : l.fh == fh));
    notifyAll();
  }

  @Override
  public void close() {
    closed.set(true);
  }

  @Override
  public synchronized void fallocate(VfsContext ctx, long ino, long fh, int mode, long offset, long length) {
    Node n = node(ino);
    long end = offset + length;
    switch (mode) {
      case 0 -> {
        if (end > n.size) {
          resize(n, end);
          n.size = end;
        }
      }
      case Vfs.FALLOC_FL_KEEP_SIZE -> {}
      case Vfs.FALLOC_FL_PUNCH_HOLE | Vfs.FALLOC_FL_KEEP_SIZE -> {
        if (offset < n.size) {
          Arrays.fill(n.data, (int) offset, (int) Math.min(end, n.size), (byte) 0);
        }
      }
      default -> throw err(StatusCode.NOT_SUPPORTED, "fallocate mode " + mode);
    }
    n.mtimeNs = n.ctimeNs = now();
  }
}
