package io.stratafs.meta.ops;

import static io.stratafs.meta.schema.MetaSchema.*;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.storage.ChunkStates;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.ChunkReply;
import io.stratafs.protocol.meta.ExcludeReplicaRequest;
import io.stratafs.protocol.meta.Replica;
import java.util.ArrayList;
import java.util.List;

/**
 * meta.ExcludeReplica: a client could not use a replica. If the chunk still has the version the
 * client saw and lists the replica, the replica is removed and the version bumped; a chunk whose
 * version moved on (someone excluded or healed first) or that no longer lists the replica is
 * returned unchanged for the client to retry with. The last local replica is kept (UNAVAILABLE)
 * unless a current external copy holds the data.
 */
public final class ExcludeReplicaOp {
  /** The reply, and the replica removed (null if nothing changed), which the caller asks its daemon to delete. */
  public record Result(ChunkReply reply, Replica removed) {}

  private ExcludeReplicaOp() {}

  public static Result run(MetaContext ctx, Tx tx, ExcludeReplicaRequest req) {
    long ino = GetChunksOp.regularFile(tx, req.getIno()).ino();
    byte[] key = chunkKey(ino, req.getIndex());
    byte[] v = tx.get(Cf.CHUNKS, key);
    ChunkInfo c = v == null ? null : decodeChunk(v);
    if (c == null || c.getChunkId() != req.getChunkId()) {
      throw StrataException.of(
          StatusCode.NOT_FOUND, "chunk %d of inode %d is no longer chunk id %d (file truncated or rewritten)",
          req.getIndex(), ino, req.getChunkId());
    }
    if (c.getVersion() != req.getVersion()) {
      return new Result(ChunkReply.newBuilder().setChunk(c).build(), null);
    }
    List<Replica> keep = new ArrayList<>();
    Replica removed = null;
    for (Replica r : c.getReplicasList()) {
      if (removed == null && r.getStorageId().equals(req.getStorageId()) && r.getDevice().equals(req.getDevice())) {
        removed = r;
      } else {
        keep.add(r);
      }
    }
    if (removed == null) {
      return new Result(ChunkReply.newBuilder().setChunk(c).build(), null);
    }
    if (keep.isEmpty() && !ChunkStates.hasCurrentExternal(c)) {
      throw StrataException.of(
          StatusCode.UNAVAILABLE,
          "replica %s/%s is the last copy of chunk %d (inode %d, index %d) and no current external copy exists (%s): "
              + "kept; retry when the daemon is back",
          req.getStorageId(), req.getDevice(), c.getChunkId(), ino, req.getIndex(), req.getReason());
    }
    ChunkInfo updated = c.toBuilder().clearReplicas().addAllReplicas(keep).setVersion(c.getVersion() + 1).build();
    tx.put(Cf.CHUNKS, key, encodeChunk(updated));
    return new Result(ChunkReply.newBuilder().setChunk(updated).build(), removed);
  }
}
