package io.stratafs.meta.ops;

import static io.stratafs.meta.schema.MetaSchema.*;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.storage.Placement;
import io.stratafs.protocol.meta.AllocChunksRequest;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.ChunksReply;
import io.stratafs.tiering.StoragePolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * Returns the chunks at the requested indexes, allocating id and placement for new ones; placement
 * follows the inode's storage policy (its xattr, else the default).
 */
public final class AllocChunksOp {
  private AllocChunksOp() {}

  public static ChunksReply run(MetaContext ctx, Tx tx, AllocChunksRequest req) {
    long ino = GetChunksOp.regularFile(tx, req.getIno()).ino();
    if (req.getIndexesCount() > GetChunksOp.MAX_COUNT) {
      throw StrataException.of(
          StatusCode.INVALID_ARGUMENT, "at most %d chunks per call, got %d", GetChunksOp.MAX_COUNT, req.getIndexesCount());
    }
    ChunksReply.Builder out = ChunksReply.newBuilder();
    List<Long> missing = new ArrayList<>();
    ChunkInfo[] found = new ChunkInfo[req.getIndexesCount()];
    for (int i = 0; i < found.length; i++) {
      byte[] v = tx.get(Cf.CHUNKS, chunkKey(ino, req.getIndexes(i)));
      if (v == null) {
        missing.add((long) i);
      } else {
        found[i] = decodeChunk(v);
      }
    }
    if (!missing.isEmpty()) {
      StoragePolicy policy = ctx.policies().effective(tx.reader(), ino);
      List<Placement.Placed> places = ctx.placement().place(policy, req.getClientHost(), missing.size());
      for (int m = 0; m < missing.size(); m++) {
        int i = missing.get(m).intValue();
        ChunkInfo c = newChunk(ctx, req.getIndexes(i), places.get(m));
        tx.put(Cf.CHUNKS, chunkKey(ino, c.getIndex()), encodeChunk(c));
        found[i] = c;
      }
    }
    for (ChunkInfo c : found) {
      out.addChunks(c);
    }
    return out.setFileSize(tx.inode(ino).size()).build();
  }

  static ChunkInfo newChunk(MetaContext ctx, long index, Placement.Placed p) {
    return ChunkInfo.newBuilder()
        .setIndex(index)
        .setChunkId(ctx.chunkIds().next())
        .setVersion(1)
        .addAllReplicas(p.replicas())
        .addAllExternals(p.externals())
        .build();
  }
}
