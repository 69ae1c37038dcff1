package io.stratafs.meta.storage;

import static io.stratafs.meta.schema.MetaSchema.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.journal.GroupCommitJournal;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvBatch;
import io.stratafs.meta.kv.MemoryKvStore;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.Replica;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ChunkGcTest {
  static ChunkInfo chunk(long id, String address) {
    return ChunkInfo.newBuilder().setChunkId(id).setVersion(1)
        .addReplicas(Replica.newBuilder().setStorageId(address).setAddress(address).setDevice("d0")).build();
  }

  @Test
  void deletesReplicasAndRetriesWhileADaemonIsDown() {
    try (MemoryKvStore store = new MemoryKvStore();
        GroupCommitJournal journal = new GroupCommitJournal("gc", store)) {
      store.write(new KvBatch()
          .put(Cf.GC, u64(1), encodeChunk(chunk(1, "a:1")))
          .put(Cf.GC, u64(2), encodeChunk(chunk(2, "b:1"))), true);
      BlobDaemons daemons = new BlobDaemons();
      daemons.down.add("b:1");
      ChunkGc gc = new ChunkGc(store, journal, daemons, List::of);
      assertThat(gc.runOnce()).isEqualTo(1);
      assertThat(store.scan(Cf.GC, new byte[0], null, 10)).hasSize(1);
      daemons.down.clear();
      assertThat(gc.runOnce()).isEqualTo(1);
      assertThat(store.scan(Cf.GC, new byte[0], null, 10)).isEmpty();
      assertThat(daemons.calls).containsExactly("delete 1", "delete 2");
    }
  }
}
