package io.stratafs.meta.ops;

import static io.stratafs.meta.schema.MetaSchema.*;

import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.AttrReply;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.CommitWriteRequest;

/**
 * After data reached the replicas: size = max(size, new_size), mtime/ctime now, privileges dropped,
 * and each written chunk that has external copies marked dirty (dirty_seq + 1, dirty_since set if
 * it was clean), which makes its external copies fall behind until the replicator uploads it.
 */
public final class CommitWriteOp {
  private CommitWriteOp() {}

  public static AttrReply run(MetaContext ctx, Tx tx, CommitWriteRequest req) {
    InodeRecord r = GetChunksOp.regularFile(tx, req.getIno());
    InodeRecord.Builder b = r.toBuilder();
    b.size = Math.max(r.size(), req.getNewSize());
    b.mtimeNs = b.ctimeNs = ctx.now();
    if (!Perms.isRoot(req.getCaller())) {
      SetAttrOp.killSuidGid(b);
    }
    InodeRecord updated = b.build();
    tx.putInode(updated);
    for (long index : req.getWrittenChunksList()) {
      markDirty(ctx, tx, r.ino(), index);
    }
    return AttrReply.newBuilder().setAttr(updated.toAttr()).build();
  }

  /** Bumps the chunk's dirty_seq if it has external copies; a hole or a local-only chunk is left alone. */
  static void markDirty(MetaContext ctx, Tx tx, long ino, long index) {
    byte[] key = chunkKey(ino, index);
    byte[] v = tx.get(Cf.CHUNKS, key);
    if (v == null) {
      return;
    }
    ChunkInfo c = decodeChunk(v);
    if (c.getExternalsCount() == 0) {
      return;
    }
    ChunkInfo.Builder d = c.toBuilder().setDirtySeq(c.getDirtySeq() + 1);
    if (c.getDirtySinceMs() == 0) {
      d.setDirtySinceMs(ctx.nowMs());
    }
    tx.put(Cf.CHUNKS, key, encodeChunk(d.build()));
  }
}
