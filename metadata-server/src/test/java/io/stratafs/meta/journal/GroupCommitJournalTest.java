package io.stratafs.meta.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.ForwardingKvStore;
import io.stratafs.meta.kv.KvBatch;
import io.stratafs.meta.kv.MemoryKvStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GroupCommitJournalTest {
  static byte[] b(String s) {
    return s.getBytes();
  }

  @Test
  void aGroupOfUnsyncedMutationsIsWrittenWithoutASync() {
    try (MemoryKvStore store = new MemoryKvStore();
        GroupCommitJournal journal = new GroupCommitJournal("t", store)) {
      String released = journal.submit(Mutation.unsynced(tx -> {
        tx.put(Cf.OPENS, b("o"), b("1"));
        return "released";
      }));
      assertThat(released).isEqualTo("released");
      assertThat(store.get(Cf.OPENS, b("o"))).isEqualTo(b("1"));
      assertThat(journal.syncCount()).isZero();
      journal.submit(tx -> {
        tx.put(Cf.INODES, b("n"), b("2"));
        return null;
      });
      assertThat(journal.syncCount()).isEqualTo(1);
    }
  }

  @Test
  void putListenersRunAfterAGroupThatPutIntoTheirColumnFamilyAndNotOtherwise() {
    try (MemoryKvStore store = new MemoryKvStore();
        GroupCommitJournal journal = new GroupCommitJournal("t", store)) {
      List<byte[]> seenAtNotice = new ArrayList<>();
      journal.afterPutsInto(Cf.GC, () -> seenAtNotice.add(store.get(Cf.GC, b("chunk"))));
      journal.submit(tx -> {
        tx.put(Cf.INODES, b("n"), b("1"));
        return null;
      });
      assertThat(seenAtNotice).as("a group that put into another column family").isEmpty();
      journal.submit(Mutation.unsynced(tx -> {
        tx.put(Cf.GC, b("chunk"), b("queued"));
        return null;
      }));
      assertThat(seenAtNotice).as("the put is in the store when the listener runs").containsExactly(b("queued"));
      journal.submit(tx -> {
        tx.delete(Cf.GC, b("chunk"));
        return null;
      });
      assertThatThrownBy(() -> journal.submit(tx -> {
        tx.put(Cf.GC, b("other"), b("refused"));
        throw StrataException.of(StatusCode.NOT_FOUND, "refused after its put");
      })).isInstanceOf(StrataException.class);
      assertThat(seenAtNotice).as("after a delete only, and after a refused mutation's put").hasSize(1);
    }
  }

  @Test
  void aFailedMutationDiscardsOnlyItsOwnWrites() throws Exception {
    try (MemoryKvStore store = new MemoryKvStore();
        GroupCommitJournal journal = new GroupCommitJournal("t", store)) {
      // Hold the writer so the next three mutations form one group.
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Object> blocker = CompletableFuture.supplyAsync(() -> journal.submit(tx -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      }));
      List<CompletableFuture<Object>> group = new ArrayList<>();
      group.add(CompletableFuture.supplyAsync(() -> journal.submit(tx -> {
        tx.put(Cf.INODES, b("a"), b("1"));
        return "a";
      })));
      group.add(CompletableFuture.supplyAsync(() -> journal.submit(tx -> {
        tx.put(Cf.INODES, b("bad"), b("x"));
        throw StrataException.of(StatusCode.EXISTS, "no");
      })));
      group.add(CompletableFuture.supplyAsync(() -> journal.submit(tx -> {
        // sees "a" if it ran after it in the same group, never "bad"
        assertThat(tx.get(Cf.INODES, b("bad"))).isNull();
        tx.put(Cf.INODES, b("c"), b("3"));
        return "c";
      })));
      release.countDown();
      blocker.join();
      assertThat(group.get(0).join()).isEqualTo("a");
      assertThatThrownBy(() -> group.get(1).join()).hasCauseInstanceOf(StrataException.class);
      assertThat(group.get(2).join()).isEqualTo("c");
      assertThat(store.get(Cf.INODES, b("a"))).isEqualTo(b("1"));
      assertThat(store.get(Cf.INODES, b("c"))).isEqualTo(b("3"));
      assertThat(store.get(Cf.INODES, b("bad"))).isNull();
    }
  }

  /**
   * A store whose writes and syncs fail on demand, to see who hears about a commit that did not
   * happen, and whose syncs can be held, to see who waits for them.
   */
  private static final class FailingWrites extends ForwardingKvStore {
    final AtomicInteger syncs = new AtomicInteger();
    final CountDownLatch syncsReleased = new CountDownLatch(1);
    volatile boolean fail;
    volatile boolean failSyncs;
    volatile boolean holdSyncs;

    @Override
    public void write(KvBatch batch, boolean sync) {
      if (fail) {
        throw StrataException.of(StatusCode.IO_ERROR, "disk gone");
      }
      super.write(batch, sync);
    }

    @Override
    public void sync() {
      if (holdSyncs) {
        GroupCommitJournalTest.await(syncsReleased);
      }
      if (failSyncs) {
        throw StrataException.of(StatusCode.IO_ERROR, "flush failed");
      }
      syncs.incrementAndGet();
    }
  }

  @Test
  void submitAsyncCompletesOnceCommittedAndFailsWithWhatTheMutationThrew() {
    try (MemoryKvStore store = new MemoryKvStore();
        GroupCommitJournal journal = new GroupCommitJournal("t", store)) {
      CompletableFuture<String> ok = journal.submitAsync(tx -> {
        tx.put(Cf.INODES, b("k"), b("v"));
        return "done";
      });
      assertThat(ok.join()).isEqualTo("done");
      assertThat(store.get(Cf.INODES, b("k"))).isEqualTo(b("v"));
      CompletableFuture<String> refused = journal.submitAsync(tx -> {
        throw StrataException.of(StatusCode.EXISTS, "k exists");
      });
      assertThatThrownBy(refused::join)
          .hasCauseInstanceOf(StrataException.class)
          .satisfies(e -> assertThat(((StrataException) e.getCause()).code()).isEqualTo(StatusCode.EXISTS));
    }
  }

  @Test
  void aRefusalRestingOnAnUncommittedGroupIsAnsweredWithTheCommitFailure() {
    try (FailingWrites store = new FailingWrites();
        GroupCommitJournal journal = new GroupCommitJournal("t", store)) {
      CountDownLatch running = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Object> blocker = journal.submitAsync(Mutation.unsynced(tx -> {
        running.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      }));
      // The writer holds the blocker's group (its queue already drained) while both creates
      // queue up, so they form the next group together; otherwise the refusal could land in a
      // later group of its own and see no x at all.
      await(running);
      // One group: the create, then a create of the same name refused because of it.
      CompletableFuture<String> create = journal.submitAsync(tx -> {
        tx.put(Cf.DENTRIES, b("x"), b("1"));
        return "created";
      });
      CompletableFuture<String> again = journal.submitAsync(tx -> {
        if (tx.get(Cf.DENTRIES, b("x")) != null) {
          throw StrataException.of(StatusCode.EXISTS, "x exists");
        }
        return "created too";
      });
      store.fail = true;
      release.countDown();
      blocker.exceptionally(e -> null).join();
      // x never became durable, so "x exists" would have been a lie: both hear the commit failure.
      for (CompletableFuture<String> f : List.of(create, again)) {
        assertThatThrownBy(f::join)
            .hasCauseInstanceOf(StrataException.class)
            .satisfies(e -> assertThat(((StrataException) e.getCause()).code()).isEqualTo(StatusCode.IO_ERROR));
      }
    }
  }

  private static Mutation<String> nameChange(String name) {
    return Mutation.unsynced(tx -> {
      tx.put(Cf.DENTRIES, b(name), b("1"));
      return name;
    });
  }

  @Test
  void aNameChangeIsAnsweredBeforeItsSyncAndADurabilityBarrierWaitsForIt() throws Exception {
    try (FailingWrites store = new FailingWrites();
        GroupCommitJournal journal = new GroupCommitJournal("t", store)) {
      store.holdSyncs = true;
      assertThat(journal.submit(nameChange("x"))).isEqualTo("x");
      assertThat(store.get(Cf.DENTRIES, b("x"))).isEqualTo(b("1"));
      CompletableFuture<Void> barrier = CompletableFuture.runAsync(journal::awaitDurable);
      // The barrier can only return through a sync, and every sync is held.
      assertThatThrownBy(() -> barrier.get(200, TimeUnit.MILLISECONDS))
          .isInstanceOf(java.util.concurrent.TimeoutException.class);
      store.syncsReleased.countDown();
      barrier.get(10, TimeUnit.SECONDS);
      assertThat(store.syncs.get()).isPositive();
      assertThat(journal.syncCount()).as("no synced group write").isZero();
      assertThat(journal.backgroundSyncCount()).isPositive();
    }
  }

  @Test
  void aBarrierAfterSyncedGroupsReturnsWithoutASyncOfItsOwn() {
    try (FailingWrites store = new FailingWrites();
        GroupCommitJournal journal = new GroupCommitJournal("t", store)) {
      journal.submit(tx -> {
        tx.put(Cf.INODES, b("n"), b("2"));
        return null;
      });
      journal.awaitDurable();
      assertThat(store.syncs.get()).isZero();
      assertThat(journal.backgroundSyncCount()).isZero();
      assertThat(journal.syncCount()).isEqualTo(1);
    }
  }

  @Test
  void aFailedSyncFailsTheBarrierUntilARetrySucceeds() {
    try (FailingWrites store = new FailingWrites();
        GroupCommitJournal journal = new GroupCommitJournal("t", store)) {
      store.failSyncs = true;
      assertThat(journal.submit(nameChange("x"))).isEqualTo("x");
      assertThatThrownBy(journal::awaitDurable)
          .isInstanceOf(StrataException.class)
          .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(StatusCode.IO_ERROR))
          .hasMessageContaining("flush failed");
      store.failSyncs = false;
      // The syncer retries every second; the barrier then sees the retry's success.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (true) {
        try {
          journal.awaitDurable();
          break;
        } catch (StrataException e) {
          assertThat(System.nanoTime()).as("a retried sync within 20 s").isLessThan(deadline);
          sleepMillis(50);
        }
      }
      assertThat(store.syncs.get()).isPositive();
    }
  }

  @Test
  void closeSyncsWhatIsStillUnsynced() {
    FailingWrites store = new FailingWrites();
    store.failSyncs = true; // the syncer cannot make it durable before close
    GroupCommitJournal journal = new GroupCommitJournal("t", store);
    journal.submit(nameChange("x"));
    store.failSyncs = false;
    journal.close();
    assertThat(store.syncs.get()).isPositive();
    assertThat(journal.backgroundSyncCount()).isPositive();
  }

  private static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void submitAfterCloseIsUnavailable() {
    MemoryKvStore store = new MemoryKvStore();
    GroupCommitJournal journal = new GroupCommitJournal("t", store);
    journal.close();
    assertThatThrownBy(() -> journal.submit(tx -> null))
        .isInstanceOf(StrataException.class)
        .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(StatusCode.UNAVAILABLE));
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("the writer took the blocker").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
