package io.stratafs.meta.ops;

import static io.stratafs.meta.schema.MetaSchema.*;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.storage.ChunkStates;
import io.stratafs.meta.storage.Placement;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.ChunkReply;
import io.stratafs.protocol.meta.EnsureLocalReplicaRequest;
import io.stratafs.protocol.meta.ExternalCopy;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.tiering.Media;
import io.stratafs.tiering.StoragePolicy;
import java.util.List;
import java.util.Set;

/**
 * meta.EnsureLocalReplica in three steps, so no storage call runs inside a transaction:
 * {@link #prepare} (read) decides what the chunk needs; the caller restores the placed replica
 * from the external copy if the plan says so; {@link #commit} (write) makes it the chunk's only
 * replica at version + 1 if the chunk still has the version and still no local replica.
 * A chunk never written (no uploaded generation, dirty_seq 0) just gets a placed replica; a chunk
 * whose external copies are behind or absent has lost its data: UNAVAILABLE, never written over.
 */
public final class EnsureLocalReplicaOp {
  /**
   * What to do: {@code done} set = nothing (it has a local replica, or there is no chunk yet:
   * allocate); otherwise put {@code replica} in place, restoring it from {@code source} first if set.
   */
  public record Plan(ChunkInfo done, ChunkInfo seen, Replica replica, ExternalCopy source) {}

  private EnsureLocalReplicaOp() {}

  public static Plan prepare(MetaContext ctx, Tx tx, EnsureLocalReplicaRequest req) {
    long ino = GetChunksOp.regularFile(tx, req.getIno()).ino();
    byte[] v = tx.get(Cf.CHUNKS, chunkKey(ino, req.getIndex()));
    if (v == null) {
      return new Plan(null, null, null, null);
    }
    ChunkInfo c = decodeChunk(v);
    if (c.getReplicasCount() > 0) {
      return new Plan(c, c, null, null);
    }
    StoragePolicy policy = ctx.policies().effective(tx.reader(), ino);
    List<Set<Media>> wanted = Placement.missingLocal(policy, List.of());
    Set<Media> media = wanted.isEmpty() ? Placement.ANY_LOCAL : wanted.get(0);
    boolean neverWritten =
        c.getDirtySeq() == 0 && c.getExternalsList().stream().allMatch(e -> e.getGeneration() == 0);
    ExternalCopy source = neverWritten ? null : ChunkStates.currentExternal(c);
    if (!neverWritten && source == null) {
      throw StrataException.of(
          StatusCode.UNAVAILABLE,
          "chunk %d of inode %d (id %d) has no local replica and no current external copy: its data is lost",
          req.getIndex(), ino, c.getChunkId());
    }
    Placement placement = ctx.placement();
    String target = source == null ? null : source.getTarget();
    List<Replica> to = placement.placeMore(media, req.getClientHost(), List.of(), 1, target);
    if (to.isEmpty() && !media.equals(Placement.ANY_LOCAL)) {
      to = placement.placeMore(Placement.ANY_LOCAL, req.getClientHost(), List.of(), 1, target);
    }
    if (to.isEmpty()) {
      throw StrataException.of(
          StatusCode.NO_SPACE, "no storage daemon%s has a device with free space for chunk %d of inode %d",
          target == null ? "" : " reaching external target " + target, req.getIndex(), ino);
    }
    return new Plan(null, c, to.get(0), source);
  }

  /** Installs the replica if the chunk is unchanged; else replies the chunk as it is now (the caller deletes its copy). */
  public static ChunkReply commit(Tx tx, long ino, long index, ChunkInfo seen, Replica replica, boolean[] installed) {
    byte[] key = chunkKey(ino, index);
    byte[] v = tx.get(Cf.CHUNKS, key);
    if (v == null) {
      throw StrataException.of(StatusCode.NOT_FOUND, "chunk %d of inode %d was deleted meanwhile", index, ino);
    }
    ChunkInfo cur = decodeChunk(v);
    if (cur.getChunkId() != seen.getChunkId() || cur.getVersion() != seen.getVersion() || cur.getReplicasCount() > 0) {
      return ChunkReply.newBuilder().setChunk(cur).build();
    }
    ChunkInfo updated = cur.toBuilder().addReplicas(replica).setVersion(cur.getVersion() + 1).build();
    tx.put(Cf.CHUNKS, key, encodeChunk(updated));
    installed[0] = true;
    return ChunkReply.newBuilder().setChunk(updated).build();
  }
}
