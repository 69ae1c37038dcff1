package io.stratafs.meta.storage;

import static io.stratafs.meta.schema.MetaSchema.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stratafs.common.CoalescingTrigger;
import io.stratafs.meta.journal.GroupCommitJournal;
import io.stratafs.meta.journal.Mutation;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.ForwardingKvStore;
import io.stratafs.meta.kv.KvBatch;
import io.stratafs.meta.kv.MemoryKvStore;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.Replica;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gc against two real daemons, one of them stopped for the first pass. */
class ChunkGcTest {
  @TempDir Path tmp;

  static ChunkInfo chunk(long id, RealDaemons daemons, String storageId) {
    return ChunkInfo.newBuilder().setChunkId(id).setVersion(1)
        .addReplicas(Replica.newBuilder().setStorageId(storageId).setDevice("d0")
            .setAddress(daemons.registration(storageId).getAddress())).build();
  }

  @Test
  void deletesReplicasAndRetriesWhileADaemonIsDown() {
    try (RealDaemons daemons = new RealDaemons(tmp, "a", "b");
        MemoryKvStore store = new MemoryKvStore();
        GroupCommitJournal journal = new GroupCommitJournal("gc", store)) {
      ChunkInfo one = chunk(1, daemons, "a");
      ChunkInfo two = chunk(2, daemons, "b");
      daemons.put(one.getReplicas(0), 1, 1, new byte[] {1});
      daemons.put(two.getReplicas(0), 2, 1, new byte[] {2});
      store.write(new KvBatch()
          .put(Cf.GC, u64(1), encodeChunk(one))
          .put(Cf.GC, u64(2), encodeChunk(two)), true);
      daemons.stop("b");
      ChunkGc gc = new ChunkGc(store, journal, daemons.rpc, daemons.view);
      assertThat(gc.runOnce()).isEqualTo(1);
      assertThat(store.scan(Cf.GC, new byte[0], null, 10)).hasSize(1);
      assertThat(daemons.get("a", 1)).isNull();
      daemons.start("b");
      assertThat(daemons.get("b", 2)).containsExactly(2); // kept while b was down
      assertThat(gc.runOnce()).isEqualTo(1);
      assertThat(store.scan(Cf.GC, new byte[0], null, 10)).isEmpty();
      assertThat(daemons.localChunks()).isEmpty();
    }
  }

  @Test
  void aRequestedPassRunsOnTheExecutorAndRequestsBeforeItStartsShareIt() {
    try (RealDaemons daemons = new RealDaemons(tmp, "a");
        MemoryKvStore store = new MemoryKvStore();
        GroupCommitJournal journal = new GroupCommitJournal("gc", store)) {
      ChunkInfo one = chunk(1, daemons, "a");
      daemons.put(one.getReplicas(0), 1, 1, new byte[] {1});
      store.write(new KvBatch().put(Cf.GC, u64(1), encodeChunk(one)), true);
      ChunkGc gc = new ChunkGc(store, journal, daemons.rpc, daemons.view);
      List<Runnable> queued = new ArrayList<>();
      CoalescingTrigger soon = new CoalescingTrigger(queued::add, gc::runOnce);
      soon.request();
      soon.request();
      assertThat(queued).as("two requests before the pass started").hasSize(1);
      assertThat(daemons.get("a", 1)).as("nothing deleted before the pass runs").containsExactly(1);

      queued.remove(0).run();
      assertThat(daemons.get("a", 1)).isNull();
      assertThat(store.scan(Cf.GC, new byte[0], null, 10)).isEmpty();
      soon.request();
      assertThat(queued).as("a request after the pass started gets a pass of its own").hasSize(1);
    }
  }

  @Test
  void aRefusedRequestLeavesTheQueueToTheNextRequest() {
    try (RealDaemons daemons = new RealDaemons(tmp, "a");
        MemoryKvStore store = new MemoryKvStore();
        GroupCommitJournal journal = new GroupCommitJournal("gc", store)) {
      ChunkGc gc = new ChunkGc(store, journal, daemons.rpc, daemons.view);
      List<Runnable> queued = new ArrayList<>();
      boolean[] shuttingDown = {true};
      CoalescingTrigger soon = new CoalescingTrigger(task -> {
        if (shuttingDown[0]) {
          throw new RejectedExecutionException("shutting down");
        }
        queued.add(task);
      }, gc::runOnce);
      soon.request();
      shuttingDown[0] = false;
      soon.request();
      assertThat(queued).as("the refused request did not stay pending").hasSize(1);
    }
  }

  /** A memory store whose syncs wait until released: a power loss could still undo what it holds. */
  private static final class HeldSyncs extends ForwardingKvStore {
    final CountDownLatch released = new CountDownLatch(1);

    @Override
    public void sync() {
      try {
        assertThat(released.await(30, TimeUnit.SECONDS)).as("syncs released").isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void replicasOfAnUnlinkAnsweredBeforeItsSyncAreKeptUntilTheSync() throws Exception {
    try (RealDaemons daemons = new RealDaemons(tmp, "a");
        HeldSyncs store = new HeldSyncs();
        GroupCommitJournal journal = new GroupCommitJournal("gc", store)) {
      ChunkInfo one = chunk(1, daemons, "a");
      daemons.put(one.getReplicas(0), 1, 1, new byte[] {1});
      // As an unlink queues its file's chunks: in a group answered before its sync (ADR 032).
      journal.submit(Mutation.unsynced(tx -> {
        tx.put(Cf.GC, u64(1), encodeChunk(one));
        return null;
      }));
      ChunkGc gc = new ChunkGc(store, journal, daemons.rpc, daemons.view);
      CompletableFuture<Integer> pass = CompletableFuture.supplyAsync(gc::runOnce);
      assertThatThrownBy(() -> pass.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
      assertThat(daemons.get("a", 1)).as("kept while the unlink may be undone").containsExactly(1);
      store.released.countDown();
      assertThat(pass.get(30, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(daemons.get("a", 1)).isNull();
    }
  }
}
