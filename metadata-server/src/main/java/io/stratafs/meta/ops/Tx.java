package io.stratafs.meta.ops;

import static io.stratafs.meta.schema.MetaSchema.*;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvEntry;
import io.stratafs.meta.kv.KvReader;
import io.stratafs.meta.kv.OverlayReader;
import io.stratafs.meta.schema.Dentry;
import io.stratafs.meta.schema.InodeRecord;
import java.util.List;

/**
 * Typed access to the namespace records for one operation: reads from a {@link KvReader}, writes
 * (mutations only) into the operation's {@link OverlayReader}. Not thread-safe.
 */
public final class Tx {
  private final KvReader reader;
  private final OverlayReader writes;

  private Tx(KvReader reader, OverlayReader writes) {
    this.reader = reader;
    this.writes = writes;
  }

  public static Tx readOnly(KvReader reader) {
    return new Tx(reader, null);
  }

  public static Tx writable(OverlayReader overlay) {
    return new Tx(overlay, overlay);
  }

  public KvReader reader() {
    return reader;
  }

  private OverlayReader w() {
    if (writes == null) {
      throw new IllegalStateException("write in a read-only transaction");
    }
    return writes;
  }

  public InodeRecord inodeOrNull(long ino) {
    byte[] v = reader.get(Cf.INODES, inodeKey(ino));
    return v == null ? null : decodeInode(v);
  }

  /** The inode, or NOT_FOUND (also for orphans: they have no name and no new references). */
  public InodeRecord inode(long ino) {
    InodeRecord r = inodeOrNull(ino);
    if (r == null) {
      throw StrataException.of(StatusCode.NOT_FOUND, "inode %d does not exist (deleted?)", ino);
    }
    return r;
  }

  /** The inode, which must be a directory. */
  public InodeRecord dir(long ino) {
    InodeRecord r = inode(ino);
    if (!r.isDir()) {
      throw StrataException.of(StatusCode.NOT_DIRECTORY, "inode %d is not a directory", ino);
    }
    return r;
  }

  public void putInode(InodeRecord r) {
    w().put(Cf.INODES, inodeKey(r.ino()), encodeInode(r));
  }

  public void deleteInode(long ino) {
    w().delete(Cf.INODES, inodeKey(ino));
  }

  public Dentry dentry(long parent, byte[] name) {
    byte[] v = reader.get(Cf.DENTRIES, dentryKey(parent, name));
    return v == null ? null : decodeDentry(v);
  }

  public void putDentry(long parent, byte[] name, Dentry d) {
    w().put(Cf.DENTRIES, dentryKey(parent, name), encodeDentry(d));
  }

  public void deleteDentry(long parent, byte[] name) {
    w().delete(Cf.DENTRIES, dentryKey(parent, name));
  }

  public boolean dirEmpty(long ino) {
    return reader.scan(Cf.DENTRIES, dentryPrefix(ino), null, 1).isEmpty();
  }

  public List<KvEntry> scan(Cf cf, byte[] prefix, byte[] startAfter, int limit) {
    return reader.scan(cf, prefix, startAfter, limit);
  }

  public byte[] get(Cf cf, byte[] key) {
    return reader.get(cf, key);
  }

  public void put(Cf cf, byte[] key, byte[] value) {
    w().put(cf, key, value);
  }

  public void delete(Cf cf, byte[] key) {
    w().delete(cf, key);
  }

  /** Whether any session has the inode open. */
  public boolean isOpen(long ino) {
    return !reader.scan(Cf.OPENS, openByInodePrefix(ino), null, 1).isEmpty();
  }
}
