package io.stratafs.meta.storage;

import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.ChunksReply;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.storage.StorageRegistration;

/**
 * Replicas are stored by storage id; the address recorded at allocation is only a hint. A daemon
 * that restarts may come back on another port, so every replica handed out (to clients, to the
 * GC, to truncation) takes the address its daemon registered most recently.
 */
public final class ReplicaAddresses {
  private ReplicaAddresses() {}

  /** The replica with its daemon's current address, or unchanged if the daemon is not registered. */
  public static Replica current(StorageView view, Replica replica) {
    for (StorageRegistration s : view.storages()) {
      if (s.getStorageId().equals(replica.getStorageId())) {
        return s.getAddress().equals(replica.getAddress())
            ? replica
            : replica.toBuilder().setAddress(s.getAddress()).build();
      }
    }
    return replica;
  }

  public static ChunksReply inReply(StorageView view, ChunksReply reply) {
    ChunksReply.Builder out = reply.toBuilder();
    for (int i = 0; i < out.getChunksCount(); i++) {
      ChunkInfo.Builder c = out.getChunksBuilder(i);
      for (int r = 0; r < c.getReplicasCount(); r++) {
        c.setReplicas(r, current(view, c.getReplicas(r)));
      }
    }
    return out.build();
  }
}
