package io.stratafs.meta.ops;

import static io.stratafs.meta.schema.MetaSchema.*;

import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvEntry;
import io.stratafs.meta.schema.InodeRecord;
import java.util.List;

/**
 * Ends an inode's life once its last name is gone: kept as an orphan while some session has it
 * open, otherwise deleted with its xattrs, and its chunks queued for garbage collection in the
 * same batch.
 */
public final class InodeDeleter {
  private static final int PAGE = 1000;

  private InodeDeleter() {}

  /** Called with the inode's updated record (nlink already 0 for files, any for directories). */
  public static void unlinked(Tx tx, InodeRecord r) {
    if (!r.isDir() && tx.isOpen(r.ino())) {
      InodeRecord.Builder b = r.toBuilder();
      b.flags |= InodeRecord.FLAG_ORPHAN;
      b.nlink = 0;
      tx.putInode(b.build());
      return;
    }
    delete(tx, r.ino());
  }

  /** Removes the inode, its xattrs and chunk map; chunks go to the gc column family. */
  public static void delete(Tx tx, long ino) {
    tx.deleteInode(ino);
    deleteAll(tx, Cf.XATTRS, u64(ino));
    byte[] prefix = u64(ino);
    List<KvEntry> page;
    while (!(page = tx.scan(Cf.CHUNKS, prefix, null, PAGE)).isEmpty()) {
      for (KvEntry e : page) {
        queueGc(tx, e.value());
        tx.delete(Cf.CHUNKS, e.key());
      }
    }
  }

  /** Queues one stored chunk record for deletion on its replicas. */
  public static void queueGc(Tx tx, byte[] chunkRecord) {
    long chunkId = decodeChunk(chunkRecord).getChunkId();
    tx.put(Cf.GC, u64(chunkId), chunkRecord);
  }

  private static void deleteAll(Tx tx, Cf cf, byte[] prefix) {
    List<KvEntry> page;
    while (!(page = tx.scan(cf, prefix, null, PAGE)).isEmpty()) {
      for (KvEntry e : page) {
        tx.delete(cf, e.key());
      }
    }
  }
}
