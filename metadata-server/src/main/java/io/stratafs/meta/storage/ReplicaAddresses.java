package io.stratafs.meta.storage;

import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.ChunksReply;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.storage.StorageRegistration;
import java.util.HashMap;
import java.util.Map;

/**
 * Replicas are stored by storage id; the address recorded at allocation is only a hint. A daemon
 * that restarts may come back on another port, so every replica handed out (to clients, to the
 * GC, to truncation) takes the address its daemon registered most recently.
 */
public final class ReplicaAddresses {
  private ReplicaAddresses() {}

  /** The replica with its daemon's current address, or unchanged if the daemon is not registered. */
  public static Replica current(StorageView view, Replica replica) {
    return current(addressesById(view), replica);
  }

  /** Every replica of the reply at its daemon's current address; the registry is read once. */
  public static ChunksReply inReply(StorageView view, ChunksReply reply) {
    if (reply.getChunksCount() == 0) {
      return reply;
    }
    Map<String, String> addresses = addressesById(view);
    ChunksReply.Builder out = reply.toBuilder();
    for (int i = 0; i < out.getChunksCount(); i++) {
      ChunkInfo.Builder c = out.getChunksBuilder(i);
      for (int r = 0; r < c.getReplicasCount(); r++) {
        c.setReplicas(r, current(addresses, c.getReplicas(r)));
      }
    }
    return out.build();
  }

  private static Replica current(Map<String, String> addresses, Replica replica) {
    String now = addresses.get(replica.getStorageId());
    return now == null || now.equals(replica.getAddress())
        ? replica
        : replica.toBuilder().setAddress(now).build();
  }

  private static Map<String, String> addressesById(StorageView view) {
    Map<String, String> byId = new HashMap<>();
    for (StorageRegistration s : view.storages()) {
      byId.put(s.getStorageId(), s.getAddress());
    }
    return byId;
  }
}
