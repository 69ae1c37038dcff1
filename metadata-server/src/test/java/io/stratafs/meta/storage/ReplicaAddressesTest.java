package io.stratafs.meta.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.ChunksReply;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.storage.StorageRegistration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaAddressesTest {
  @Test
  void aDaemonThatCameBackOnAnotherPortIsReachedAtItsNewAddress() {
    List<StorageRegistration> registered = new ArrayList<>();
    StorageView view = () -> registered;
    Replica stored = Replica.newBuilder().setStorageId("storage-1").setAddress("127.0.0.1:4000").setDevice("d0").build();
    ChunksReply reply = ChunksReply.newBuilder()
        .addChunks(ChunkInfo.newBuilder().setChunkId(7).addReplicas(stored))
        .build();

    // Not registered right now: the stored hint is all we have.
    assertThat(ReplicaAddresses.inReply(view, reply)).isEqualTo(reply);

    registered.add(StorageRegistration.newBuilder().setStorageId("storage-2").setAddress("127.0.0.1:5000").build());
    registered.add(StorageRegistration.newBuilder().setStorageId("storage-1").setAddress("127.0.0.1:4001").build());
    Replica now = ReplicaAddresses.inReply(view, reply).getChunks(0).getReplicas(0);
    assertThat(now.getAddress()).isEqualTo("127.0.0.1:4001");
    assertThat(now.getDevice()).isEqualTo("d0");
    assertThat(now.getStorageId()).isEqualTo("storage-1");
  }
}
