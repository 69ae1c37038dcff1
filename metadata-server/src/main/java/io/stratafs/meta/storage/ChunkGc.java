package io.stratafs.meta.storage;

import static io.stratafs.meta.schema.MetaSchema.*;

import io.stratafs.meta.journal.Journal;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvEntry;
import io.stratafs.meta.kv.KvReader;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.ExternalCopy;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.storage.StorageRegistration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the replicas and every external generation of chunks queued in the gc column family,
 * once the removal that queued them is durable, then the gc entry itself; an entry whose daemon
 * (or every daemon reaching its external target) is down stays queued for the next pass.
 * The metadata server runs passes periodically (the retries) and as soon as a removal queued
 * chunks (ADR 037), so their space comes back about one WAL sync after an unlink, not seconds
 * later. Passes are serialized; thread-safe.
 */
public final class ChunkGc {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkGc.class);
  private static final int PAGE = 256;

  private final KvReader store;
  private final Journal journal;
  private final StorageRpc rpc;
  private final StorageView view;

  public ChunkGc(KvReader store, Journal journal, StorageRpc rpc, StorageView view) {
    this.store = store;
    this.journal = journal;
    this.rpc = rpc;
    this.view = view;
  }

  /** One pass over the queue; returns how many chunks were deleted. */
  public synchronized int runOnce() {
    int deleted = 0;
    byte[] after = null;
    List<KvEntry> page;
    while (!(page = store.scan(Cf.GC, new byte[0], after, PAGE)).isEmpty()) {
      // An unlink is answered before its sync (ADR 032): deleting replicas of a removal that a
      // power loss could still undo would leave the restored file without its data.
      journal.awaitDurable();
      for (KvEntry e : page) {
        ChunkInfo chunk = decodeChunk(e.value());
        if (deleteReplicas(chunk) && deleteExternals(chunk)) {
          journal.submit(tx -> {
            tx.delete(Cf.GC, e.key());
            return null;
          });
          deleted++;
        }
      }
      after = page.get(page.size() - 1).key();
    }
    return deleted;
  }

  private boolean deleteReplicas(ChunkInfo chunk) {
    for (Replica r : chunk.getReplicasList()) {
      try {
        rpc.delete(r, chunk.getChunkId());
      } catch (RuntimeException ex) {
        LOG.debug("chunk {} on {} not deleted yet ({}); will retry", chunk.getChunkId(), r.getAddress(), ex.toString());
        return false;
      }
    }
    return true;
  }

  /** Every generation on each external target, through any live daemon that reaches it. */
  private boolean deleteExternals(ChunkInfo chunk) {
    for (ExternalCopy e : chunk.getExternalsList()) {
      Replica via = null;
      for (StorageRegistration s : view.storages()) {
        if (s.getExternalsList().stream().anyMatch(t -> t.getName().equals(e.getTarget()))) {
          via = Replica.newBuilder().setStorageId(s.getStorageId()).setAddress(s.getAddress()).build();
          break;
        }
      }
      if (via == null) {
        LOG.debug("no live daemon reaches external target {} for chunk {}; will retry", e.getTarget(), chunk.getChunkId());
        return false;
      }
      try {
        rpc.deleteExternal(via, chunk.getChunkId(), e.getTarget(), 0);
      } catch (RuntimeException ex) {
        LOG.debug("external copies of chunk {} on {} not deleted yet ({}); will retry", chunk.getChunkId(),
            e.getTarget(), ex.toString());
        return false;
      }
    }
    return true;
  }
}
