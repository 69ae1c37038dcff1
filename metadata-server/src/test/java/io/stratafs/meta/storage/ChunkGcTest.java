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
  /** A storage side whose daemons can be taken down. */
  static final class Daemons implements StorageRpc {
    final Set<String> down = ConcurrentHashMap.newKeySet();
    final List<String> deleted = new CopyOnWriteArrayList<>();

    @Override
    public void delete(Replica r, long chunkId) {
      if (down.contains(r.getAddress())) {
        throw StrataException.of(StatusCode.UNAVAILABLE, "%s is down", r.getAddress());
      }
      deleted.add(chunkId + "@" + r.getAddress());
    }

    @Override
    public void truncate(Replica r, long chunkId, long length) {}
  }

  static ChunkInfo chunk(long id, String address) {
    return ChunkInfo.newBuilder().setChunkId(id).setVersion(1)
        .addReplicas(Replica.newBuilder().setAddress(address).setDevice("d0")).build();
  }

  @Test
  void deletesReplicasAndRetriesWhileADaemonIsDown() {
    try (MemoryKvStore store = new MemoryKvStore();
        GroupCommitJournal journal = new GroupCommitJournal("gc", store)) {
      store.write(new KvBatch()
          .put(Cf.GC, u64(1), encodeChunk(chunk(1, "a:1")))
          .put(Cf.GC, u64(2), encodeChunk(chunk(2, "b:1"))), true);
      Daemons daemons = new Daemons();
      daemons.down.add("b:1");
      ChunkGc gc = new ChunkGc(store, journal, daemons);
      assertThat(gc.runOnce()).isEqualTo(1);
      assertThat(store.scan(Cf.GC, new byte[0], null, 10)).hasSize(1);
      daemons.down.clear();
      assertThat(gc.runOnce()).isEqualTo(1);
      assertThat(store.scan(Cf.GC, new byte[0], null, 10)).isEmpty();
      assertThat(daemons.deleted).containsExactly("1@a:1", "2@b:1");
    }
  }
}
