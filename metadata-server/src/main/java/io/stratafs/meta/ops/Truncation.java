package io.stratafs.meta.ops;

import static io.stratafs.meta.schema.MetaSchema.*;

import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvEntry;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.Replica;
import java.util.List;

/**
 * Shrinking a file. Before the metadata commit, {@link #cutStraddlingChunk} makes the replicas of
 * the chunk that holds the new end drop their bytes past it (so growing the file later reads
 * zeros) — every local replica, so any of them can serve reads; inside the commit,
 * {@link #dropChunksPast} queues the chunks wholly past the end for gc and
 * {@link #markCutChunkDirty} marks the cut chunk's external copies behind.
 */
public final class Truncation {
  private static final int PAGE = 1000;

  private Truncation() {}

  /** Runs on the caller's thread (it calls storage daemons); throws what they answer. */
  public static void cutStraddlingChunk(MetaContext ctx, Tx tx, long ino, long newSize) {
    InodeRecord r = tx.inodeOrNull(ino);
    if (r == null || newSize >= r.size() || newSize % ctx.chunkSize() == 0) {
      return;
    }
    long index = newSize / ctx.chunkSize();
    byte[] v = tx.get(Cf.CHUNKS, chunkKey(ino, index));
    if (v == null) {
      return; // a hole
    }
    ChunkInfo chunk = decodeChunk(v);
    for (Replica replica : chunk.getReplicasList()) {
      ctx.storageRpc().truncate(replica, chunk.getChunkId(), newSize % ctx.chunkSize());
    }
  }

  /** Whether shrinking to {@code newSize} cuts chunk {@code index} and it has no local replica (cold, uploaded). */
  public static boolean needsLocalReplica(Tx tx, long ino, long newSize, long index) {
    InodeRecord r = tx.inodeOrNull(ino);
    if (r == null || newSize >= r.size()) {
      return false;
    }
    byte[] v = tx.get(Cf.CHUNKS, chunkKey(ino, index));
    return v != null && decodeChunk(v).getReplicasCount() == 0;
  }

  /** The chunk holding the new end, if it straddles it (else -1): its external copies are now behind. */
  public static long cutChunkIndex(MetaContext ctx, long newSize) {
    return newSize % ctx.chunkSize() == 0 ? -1 : newSize / ctx.chunkSize();
  }

  /** Inside the commit: the cut chunk's external copies no longer match its replicas. */
  static void markCutChunkDirty(MetaContext ctx, Tx tx, long ino, long newSize) {
    long index = cutChunkIndex(ctx, newSize);
    if (index >= 0) {
      CommitWriteOp.markDirty(ctx, tx, ino, index);
    }
  }

  /** Queues every chunk that starts at or past {@code newSize} for gc. */
  static void dropChunksPast(MetaContext ctx, Tx tx, long ino, long newSize) {
    long firstDropped = (newSize + ctx.chunkSize() - 1) / ctx.chunkSize();
    byte[] prefix = u64(ino);
    byte[] after = firstDropped == 0 ? null : chunkKey(ino, firstDropped - 1);
    List<KvEntry> page;
    while (!(page = tx.scan(Cf.CHUNKS, prefix, after, PAGE)).isEmpty()) {
      for (KvEntry e : page) {
        InodeDeleter.queueGc(tx, e.value());
        tx.delete(Cf.CHUNKS, e.key());
      }
    }
  }
}
