package io.stratafs.fuse.vfs;

import static io.stratafs.fuse.client.HandWrittenCluster.INO;
import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.fuse.client.HandWrittenCluster;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.storage.WriteChunkReply;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * fsync's mtime granularity (ADR 023): within the granularity of the file's last commit, an fsync
 * that would change only mtime writes and syncs its data but leaves the CommitWrite owed, and one
 * timer makes it; past the granularity, or when the size grows, or on close, the commit is made at
 * once. The clock and the timers are the test's own, so nothing depends on how fast it runs. Real
 * RPC servers with hand-written metadata handlers (HandWrittenCluster).
 */
@Timeout(60)
class FileWriterMtimeGranularityTest {
  private static final LongFunction<Caller> CALLER = sid -> Caller.newBuilder().setSessionId(sid).build();
  private static final Duration GRANULARITY = Duration.ofMillis(10);
  private static final long FILE_SIZE = 1 << 10;

  /** One file over one daemon that records each write's sync flag; a hand-set clock; timers the test runs. */
  private static final class Fixture implements AutoCloseable {
    final HandWrittenCluster cluster;
    final List<Boolean> syncedWrites = new CopyOnWriteArrayList<>();
    final List<Long> timerDelays = new ArrayList<>();
    final List<Runnable> timers = new ArrayList<>();
    final AtomicLong serverSize = new AtomicLong(FILE_SIZE);
    long nowNanos = 1_000_000_000L;
    final FileWriter writer;

    Fixture(Duration granularity) throws Exception {
      cluster = new HandWrittenCluster();
      cluster.chunk = ChunkInfo.newBuilder().setIndex(0).setChunkId(5).setVersion(1).build();
      IoServices io =
          FileWriterDirtyChunksTest.ioOverOneDaemon(
              cluster,
              call -> {
                syncedWrites.add(call.request().getSync());
                return RpcReply.of(WriteChunkReply.getDefaultInstance());
              });
      writer =
          new FileWriter(
              INO, io, 1 << 20, granularity, serverSize, new WriteBudget(4 << 20, Duration.ofSeconds(10)),
              () -> nowNanos,
              delayNanos -> task -> {
                timerDelays.add(delayNanos);
                timers.add(task);
              });
    }

    void writeAndFsync(long offset, String s) {
      writer.write(CALLER, offset, ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
      writer.flush(CALLER, true, false);
    }

    /** Two fsyncs 1 ms apart: the first commits, the second owes its commit to one timer. */
    void oweACommit() {
      writeAndFsync(0, "first");
      advanceMillis(1);
      writeAndFsync(0, "again");
    }

    void advanceMillis(long ms) {
      nowNanos += ms * 1_000_000L;
    }

    int commits() {
      return cluster.commits.size();
    }

    void runTimers() {
      List<Runnable> due = List.copyOf(timers);
      timers.clear();
      due.forEach(Runnable::run);
    }

    @Override
    public void close() throws Exception {
      cluster.close();
    }
  }

  @Test
  void fsyncsWithinTheGranularitySyncTheirDataAndOweOneCommitThatTheTimerMakes() throws Exception {
    try (Fixture f = new Fixture(GRANULARITY)) {
      f.writeAndFsync(0, "first");
      assertThat(f.commits()).isEqualTo(1); // nothing committed before: at once

      f.advanceMillis(3);
      f.writeAndFsync(5, "second");
      f.advanceMillis(3);
      f.writeAndFsync(11, "third");
      assertThat(f.syncedWrites).containsExactly(true, true, true);
      assertThat(f.commits()).isEqualTo(1);
      assertThat(f.timerDelays).containsExactly(GRANULARITY.toNanos()); // one timer for both

      f.runTimers();
      assertThat(f.commits()).isEqualTo(2);
      assertThat(f.cluster.commits.get(1).getNewSize()).isZero(); // mtime only: the size stays
      assertThat(f.timers).isEmpty();
    }
  }

  @Test
  void anFsyncPastTheGranularityCommitsAtOnce() throws Exception {
    try (Fixture f = new Fixture(GRANULARITY)) {
      f.writeAndFsync(0, "first");
      f.advanceMillis(GRANULARITY.toMillis());
      f.writeAndFsync(0, "again");
      assertThat(f.commits()).isEqualTo(2);
      assertThat(f.timers).isEmpty();
    }
  }

  @Test
  void anFsyncThatGrowsTheFileCommitsAtOnceWithinTheGranularity() throws Exception {
    try (Fixture f = new Fixture(GRANULARITY)) {
      f.writeAndFsync(0, "first");
      f.advanceMillis(1);
      f.writeAndFsync(FILE_SIZE, "past the end");
      assertThat(f.commits()).isEqualTo(2);
      assertThat(f.cluster.commits.get(1).getNewSize()).isEqualTo(FILE_SIZE + "past the end".length());
      assertThat(f.timers).isEmpty();
    }
  }

  @Test
  void closeMakesTheOwedCommitAndTheTimerThenFindsNothingOwed() throws Exception {
    try (Fixture f = new Fixture(GRANULARITY)) {
      f.oweACommit();
      assertThat(f.commits()).isEqualTo(1);

      f.writer.flush(CALLER, false); // what release and FLUSH do
      assertThat(f.commits()).isEqualTo(2);
      f.runTimers();
      assertThat(f.commits()).isEqualTo(2);
    }
  }

  @Test
  void anFsyncWithNothingBufferedAfterAnFdatasyncStillWaitsWithinTheGranularity() throws Exception {
    try (Fixture f = new Fixture(GRANULARITY)) {
      f.writeAndFsync(0, "first");
      f.advanceMillis(1);
      f.writer.write(CALLER, 0, ByteBuffer.wrap("wal".getBytes(StandardCharsets.UTF_8)));
      f.writer.flush(CALLER, true, true); // fdatasync: owed, no timer of its own
      assertThat(f.timers).isEmpty();
      f.writer.flush(CALLER, true, false); // fsync of nothing buffered
      assertThat(f.commits()).isEqualTo(1);
      assertThat(f.timers).hasSize(1);
      f.runTimers();
      assertThat(f.commits()).isEqualTo(2);
    }
  }

  /** The timer's commit, held at the server until released; then it succeeds or fails. */
  private record HeldCommit(Thread timer, CountDownLatch release) {
    void releaseAndJoin() throws InterruptedException {
      release.countDown();
      timer.join();
    }
  }

  /**
   * Owes a commit, runs its timer one granularity later on a thread of its own and holds that
   * commit at the server; commits after it go through.
   */
  private static HeldCommit owedCommitHeldAtTheServer(Fixture f, boolean failsWhenReleased) {
    f.oweACommit();
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    f.cluster.beforeCommitReply = r -> {
      arrived.countDown();
      await(release);
      if (failsWhenReleased) {
        throw StrataException.of(StatusCode.IO_ERROR, "the metadata journal could not sync");
      }
    };
    f.advanceMillis(GRANULARITY.toMillis());
    Thread timer = Thread.ofPlatform().start(f.timers.removeFirst());
    await(arrived);
    f.cluster.beforeCommitReply = r -> {};
    return new HeldCommit(timer, release);
  }

  @Test
  void fsyncsGoOnWhileTheTimersMtimeCommitIsOnTheWire() throws Exception {
    try (Fixture f = new Fixture(GRANULARITY)) {
      HeldCommit held = owedCommitHeldAtTheServer(f, false);
      // Under the permit, this fsync would wait for the held commit; the test releases it only
      // afterwards, so it would time out.
      f.advanceMillis(1);
      f.writeAndFsync(3, "during");
      assertThat(f.syncedWrites).containsExactly(true, true, true);
      assertThat(f.commits()).as("the held timer commit only").isEqualTo(2);
      assertThat(f.timers).as("the fsync owes its own commit to the next timer").hasSize(1);

      held.releaseAndJoin();
      f.runTimers();
      assertThat(f.commits()).as("the next timer made the fsync's commit").isEqualTo(3);
    }
  }

  @Test
  void closeWaitsForTheTimersCommitOnTheWireAndMakesItWhenItFailed() throws Exception {
    try (Fixture f = new Fixture(GRANULARITY)) {
      HeldCommit held = owedCommitHeldAtTheServer(f, true);
      Thread close = Thread.ofPlatform().start(() -> f.writer.flush(CALLER, false)); // FLUSH, release
      Thread.State state;
      while ((state = close.getState()) != Thread.State.WAITING && state != Thread.State.TERMINATED) {
        Thread.onSpinWait();
      }
      assertThat(state).as("close waits for the commit on the wire").isEqualTo(Thread.State.WAITING);
      held.releaseAndJoin();
      close.join();
      assertThat(f.commits()).as("the timer's failed commit, then close's own").isEqualTo(3);
      assertThat(f.cluster.commits.get(2).getNewSize()).isZero();
    }
  }

  @Test
  void aFailedTimerCommitIsOwedAgainAndCloseMakesIt() throws Exception {
    try (Fixture f = new Fixture(GRANULARITY)) {
      f.oweACommit();
      f.cluster.beforeCommitReply = r -> {
        throw StrataException.of(StatusCode.IO_ERROR, "the metadata journal could not sync");
      };
      f.advanceMillis(GRANULARITY.toMillis());
      f.runTimers();
      assertThat(f.commits()).as("the timer's commit was tried and failed").isEqualTo(2);
      f.cluster.beforeCommitReply = r -> {};
      f.writer.flush(CALLER, false);
      assertThat(f.commits()).isEqualTo(3);
      assertThat(f.cluster.commits.get(2).getNewSize()).isZero();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aZeroGranularityCommitsOnEveryFsync() throws Exception {
    try (Fixture f = new Fixture(Duration.ZERO)) {
      f.writeAndFsync(0, "one");
      f.writeAndFsync(0, "two");
      f.writeAndFsync(0, "six");
      assertThat(f.commits()).isEqualTo(3);
      assertThat(f.timers).isEmpty();
    }
  }
}
