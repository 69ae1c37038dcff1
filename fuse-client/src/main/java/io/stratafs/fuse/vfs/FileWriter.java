package io.stratafs.fuse.vfs;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.fuse.client.ChunkWrites;
import io.stratafs.fuse.client.Futures;
import io.stratafs.protocol.meta.AttrReply;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.CommitWriteRequest;
import io.stratafs.protocol.meta.ExternalCopy;
import io.stratafs.protocol.rpc.Methods;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers one file's writes and flushes them: AllocChunks for the chunks touched, chain writes in
 * parallel (one per run of adjacent bytes, {@link io.stratafs.fuse.client.ChunkWrites}), then
 * CommitWrite with the new size and the chunks with external copies written since the last commit
 * ({@code written_chunks}). fsync of a file with sync external copies commits with {@code
 * sync_external}, never deferred, so the upload is done when fsync returns.
 *
 * <p>A flush moves the buffer aside ({@code flushing}) so writes continue into a fresh one; reads
 * overlay both. When the buffer fills, the write that filled it hands it to a <em>background</em>
 * flush and returns, so the application keeps filling the next buffer while the previous one is
 * on the wire (write-back pipelining). At most one flush runs at a time ({@code flushPermit}): a
 * write that fills the buffer while the previous background flush still runs waits for it, which
 * bounds a file's memory to about twice the buffer limit.
 *
 * <p>When a flush fails, its bytes go back under the newer writes, so nothing is lost or reported
 * durable that is not. A foreground flush (flush, fsync, release, truncate) throws the error to
 * its caller. A failed background flush is remembered: the next write first flushes in the
 * foreground and fails (without buffering its bytes) if that flush fails too, so memory stays
 * bounded while the service is down; flush, fsync and close retry the bytes and report the error.
 *
 * <p>The mount's {@link WriteBudget} bounds the bytes all files hold: every change to the buffers
 * is reported to it (under {@code this}, so in order), and a write that does not fit first flushes
 * this file's own bytes, then asks the file holding the most to flush in the background and waits
 * for room, failing with that flush's error or after the budget's wait bound.
 *
 * <p>mtime has a granularity ({@code mtimeGranularity}, ADR 023): an fsync that would change only
 * mtime within that long of this file's last CommitWrite leaves the commit owed, like fdatasync
 * does, and a timer makes it one granularity later unless a flush or close makes it first. So
 * under frequent fsyncs the file's mtime moves at most once per granularity, as on a local
 * filesystem stamping with a coarse clock, and such an fsync costs what an fdatasync does. The
 * timer's commit, when it would change only mtime, goes out without the flush permit (ADR 030):
 * fsyncs meanwhile are not held up for its round trip; close and FLUSH wait for it.
 *
 * <p>Thread-safe: buffer state is guarded by {@code this}; one flush runs at a time. Lock order:
 * {@code this}, then the budget; nothing waits for the budget or another file's permit while
 * holding {@code this} or its own permit.
 */
final class FileWriter {
  private static final Logger log = LoggerFactory.getLogger(FileWriter.class);
  /** Largest WriteChunk payload, well under the RPC frame limit. */
  static final int MAX_WRITE_BYTES = 4 << 20;

  private final long ino;
  private final IoServices io;
  private final long limitBytes;
  private final long mtimeGranularityNanos;
  private final LongSupplier nanoClock;
  /** A delay in nanoseconds → an executor that runs a task that much later (the owed commit's timer). */
  private final LongFunction<Executor> timers;
  private final AtomicLong serverSize;
  private final WriteBudget budget;
  /** The caller of the last write: another file's write over budget flushes us on its behalf. */
  private volatile LongFunction<Caller> lastCaller;
  /** The running background flush, if any (waiters over budget follow its outcome). */
  private volatile CompletableFuture<Void> backgroundFlush;
  /**
   * Held by the one running flush. A semaphore rather than a lock because a background flush
   * acquires it on the writing thread and releases it on the background thread.
   */
  private final Semaphore flushPermit = new Semaphore(1);
  /**
   * A fdatasync, or an fsync within the mtime granularity, skipped a CommitWrite (mtime only): the
   * next flush makes it. Guarded by the permit, except that the timer's mtime commit, made without
   * it, owes it again when it fails.
   */
  private volatile boolean commitOwed;
  /**
   * When this writer last sent a CommitWrite that succeeded, or the timer's mtime commit that is
   * on the wire (System.nanoTime).
   */
  private final AtomicLong lastCommitNanos = new AtomicLong();
  private boolean committedOnce;
  /** The timer's mtime-only commit while it is on the wire (completed when it is done). */
  private volatile CompletableFuture<Void> mtimeCommitInFlight = CompletableFuture.completedFuture(null);
  /** Set while a timer is due to make the owed commit (one at a time, however many fsyncs skip). */
  private final AtomicBoolean owedCommitTimer = new AtomicBoolean();
  /** The failure of the last background flush, until a flush succeeds. */
  private volatile RuntimeException backgroundFailure;
  private DirtyBuffer dirty = new DirtyBuffer();
  private DirtyBuffer flushing;
  /** Chunk indexes written without sync since the last fsync: fsync must sync them. */
  private final Set<Long> unsyncedChunks = new HashSet<>();
  /**
   * Chunks with external copies written since the last successful CommitWrite: the next commit
   * lists them in written_chunks so their external copies fall behind (dirty_seq). Kept across a
   * skipped (fdatasync) or failed commit. Guarded by the permit.
   */
  private final Set<Long> uncommittedChunks = new TreeSet<>();
  /**
   * Chunks with a sync external copy written since the last CommitWrite(sync_external): fsync must
   * upload them before returning. Guarded by the permit.
   */
  private final Set<Long> syncExternalOwed = new TreeSet<>();

  FileWriter(long ino, IoServices io, long limitBytes, Duration mtimeGranularity, AtomicLong serverSize, WriteBudget budget) {
    this(
        ino, io, limitBytes, mtimeGranularity, serverSize, budget, System::nanoTime,
        nanos -> CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS, io.background()));
  }

  /** With the clock and timers of a test. */
  FileWriter(
      long ino, IoServices io, long limitBytes, Duration mtimeGranularity, AtomicLong serverSize, WriteBudget budget,
      LongSupplier nanoClock, LongFunction<Executor> timers) {
    this.ino = ino;
    this.io = io;
    this.limitBytes = limitBytes;
    this.mtimeGranularityNanos = mtimeGranularity.toNanos();
    this.nanoClock = nanoClock;
    this.timers = timers;
    this.serverSize = serverSize;
    this.budget = budget;
  }

  /**
   * Buffers {@code src}'s remaining bytes at {@code offset}. When that fills the buffer, it is
   * handed to a background flush (waiting first for the previous one, if it still runs).
   */
  void write(LongFunction<Caller> caller, long offset, ByteBuffer src) {
    lastCaller = caller;
    if (backgroundFailure != null || pendingBytes() >= 2 * limitBytes) {
      // The last background flush failed (or the buffers are over their bound): flush here so
      // that the error reaches this write and memory does not grow while storage is down.
      flush(caller, false);
    }
    int n = src.remaining();
    reserveRoom(caller, n);
    boolean full;
    synchronized (this) {
      try {
        dirty.write(offset, src);
      } finally {
        budget.report(this, pendingLocked(), n); // turns the reservation into our share
      }
      full = dirty.bytes() >= limitBytes;
    }
    if (full) {
      startBackgroundFlush(caller);
    }
  }

  /**
   * Reserves room in the mount's budget for {@code n} bytes: flushes this file's own bytes first,
   * then has the file holding the most flush in the background and waits. Holds no lock or permit
   * while waiting.
   *
   * @throws StrataException when a flush asked for fails (its code when it is ENOSPC/EDQUOT, else
   *     IO_ERROR) or no room appears within the budget's wait bound (IO_ERROR)
   */
  private void reserveRoom(LongFunction<Caller> caller, long n) {
    if (n == 0 || budget.tryReserve(n)) {
      return;
    }
    if (hasPending()) {
      flush(caller, false); // our own share first; a storage error reaches this write here
    }
    long deadline = System.nanoTime() + budget.maxWait().toNanos();
    CompletableFuture<Void> asked = null;
    FileWriter askedOf = null;
    while (!budget.tryReserve(n)) {
      if (asked != null && asked.isDone()) {
        if (asked.isCompletedExceptionally()) {
          throw noRoom(askedOf, asked);
        }
        asked = null;
      }
      if (asked == null) {
        FileWriter largest = budget.largest();
        CompletableFuture<Void> f = largest == null ? null : largest.flushForBudget();
        if (f != null) {
          asked = f;
          askedOf = largest;
          f.whenComplete((v, e) -> budget.wake());
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw StrataException.of(
            StatusCode.IO_ERROR,
            "inode %d: no room for a %d-byte write in the mount's write budget (%d of %d bytes buffered)"
                + " after waiting %s for other files' flushes%s",
            ino, n, budget.totalBytes(), budget.limitBytes(), budget.maxWait(),
            askedOf == null ? "" : " (last asked: inode " + askedOf.ino + ")");
      }
      budget.awaitChange(left);
    }
  }

  private StrataException noRoom(FileWriter other, CompletableFuture<Void> failed) {
    StrataException cause = StrataException.unwrap(failed.exceptionNow());
    int errno = cause.code().errno();
    // Out of space is the application's to handle; anything else is an I/O error on this file.
    StatusCode code =
        errno == StatusCode.NO_SPACE.errno() || errno == StatusCode.QUOTA_EXCEEDED.errno() ? cause.code() : StatusCode.IO_ERROR;
    return new StrataException(
        code,
        "inode " + ino + ": the mount's write budget is full and flushing inode " + other.ino + " to make room failed: " + cause,
        cause);
  }

  /**
   * Starts a background flush of this file's buffered bytes for another file's write over budget,
   * unless a flush already runs. Never blocks.
   *
   * @return the background flush started or running, or null when there is none to wait for (a
   *     foreground flush holds the permit, or nothing is buffered)
   */
  CompletableFuture<Void> flushForBudget() {
    if (!flushPermit.tryAcquire()) {
      CompletableFuture<Void> running = backgroundFlush;
      return running != null && !running.isDone() ? running : null;
    }
    LongFunction<Caller> caller = lastCaller;
    DirtyBuffer batch;
    synchronized (this) {
      if (dirty.isEmpty() || caller == null) {
        flushPermit.release();
        return null;
      }
      batch = moveAside();
    }
    return runInBackground(caller, batch);
  }

  private void startBackgroundFlush(LongFunction<Caller> caller) {
    acquirePermit();
    DirtyBuffer batch;
    synchronized (this) {
      if (dirty.bytes() < limitBytes) {
        flushPermit.release(); // another writer flushed it meanwhile
        return;
      }
      batch = moveAside();
    }
    runInBackground(caller, batch);
  }

  /** Writes the moved-aside {@code batch} out on the I/O pool. Caller holds the permit, handed over. */
  private CompletableFuture<Void> runInBackground(LongFunction<Caller> caller, DirtyBuffer batch) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    backgroundFlush = done;
    Runnable task =
        () -> {
          RuntimeException failure = null;
          try {
            writeOutAndSettle(caller, batch, false, false, Set.of());
          } catch (RuntimeException e) {
            failure = e;
            backgroundFailure = e; // bytes are back in the buffer; the next write or flush retries
          } finally {
            flushPermit.release();
          }
          if (failure == null) {
            done.complete(null);
          } else {
            done.completeExceptionally(failure);
          }
        };
    try {
      io.background().execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // shutting down: flush here rather than not at all
    }
    return done;
  }

  synchronized long pendingBytes() {
    return pendingLocked();
  }

  /** Dirty plus flushing bytes. Caller holds {@code this}. */
  private long pendingLocked() {
    return dirty.bytes() + (flushing == null ? 0 : flushing.bytes());
  }

  synchronized boolean hasPending() {
    return !dirty.isEmpty() || flushing != null;
  }

  /** One past the last buffered byte (0 when nothing is buffered). */
  synchronized long end() {
    return Math.max(dirty.end(), flushing == null ? 0 : flushing.end());
  }

  /**
   * Buffered bytes over [offset, offset + length), oldest first so newer ones win on overlay. The
   * caller owns a reference to each and gives them back with {@link DirtyBuffer#release(List)},
   * so a flush finishing meanwhile cannot free them under it.
   */
  synchronized List<DirtyBuffer.Extent> snapshot(long offset, long length) {
    List<DirtyBuffer.Extent> out = new ArrayList<>();
    if (flushing != null) {
      out.addAll(flushing.retainedOverlapping(offset, length));
    }
    out.addAll(dirty.retainedOverlapping(offset, length));
    return out;
  }

  /** Drops buffered bytes at or past {@code size} (nothing of them has been acknowledged durable). */
  void truncate(long size) {
    // A background flush that fails puts its bytes back: wait for it so none come back past size.
    acquirePermit();
    try {
      synchronized (this) {
        dirty.truncate(size);
        budget.report(this, pendingLocked());
      }
      // Chunks past the new end are gone (the server marks what truncation changes dirty itself).
      long firstGone = (size + io.chunkSize() - 1) / io.chunkSize();
      uncommittedChunks.removeIf(i -> i >= firstGone);
      syncExternalOwed.removeIf(i -> i >= firstGone);
    } finally {
      flushPermit.release();
    }
  }

  /** Drops every buffered byte; returns how many were dropped. */
  synchronized long discard() {
    long n = dirty.bytes();
    dirty.release();
    dirty = new DirtyBuffer();
    budget.report(this, pendingLocked());
    return n;
  }

  /**
   * Sends the buffered bytes to the storage daemons and commits the new size. With {@code sync}
   * the daemons fsync, and chunks written earlier without sync are synced too.
   */
  void flush(LongFunction<Caller> caller, boolean sync) {
    flush(caller, sync, false);
  }

  /**
   * Like {@link #flush(LongFunction, boolean)}; with {@code datasync} (fdatasync) the CommitWrite
   * is skipped when the server already has a size covering the data: it would change only mtime,
   * which fdatasync need not make durable. The commit is then owed and made by the next flush.
   */
  void flush(LongFunction<Caller> caller, boolean sync, boolean datasync) {
    acquirePermit(); // waits for a running background flush, whose failure this one then retries
    try {
      if (!sync) {
        // Close and FLUSH return with mtime committed: the timer's commit, or this flush's own
        // when that one failed (it owes the commit again before it completes).
        mtimeCommitInFlight.join();
      }
      DirtyBuffer batch;
      Set<Long> toSync;
      synchronized (this) {
        batch = moveAside();
        toSync = sync ? new TreeSet<>(unsyncedChunks) : Set.of();
      }
      writeOutAndSettle(caller, batch, sync, datasync, toSync);
    } finally {
      flushPermit.release();
    }
  }

  /** Moves the buffer aside as the batch being flushed. Caller holds {@code this} and the permit. */
  private DirtyBuffer moveAside() {
    DirtyBuffer batch = dirty;
    dirty = new DirtyBuffer();
    flushing = batch;
    budget.report(this, pendingLocked());
    return batch;
  }

  /** Writes {@code batch} out and settles the buffers either way. Caller holds the permit. */
  private void writeOutAndSettle(
      LongFunction<Caller> caller, DirtyBuffer batch, boolean sync, boolean datasync, Set<Long> toSync) {
    try {
      Set<Long> written = writeOut(caller, batch, sync, datasync);
      if (sync) {
        Set<Long> rest = new TreeSet<>(toSync);
        rest.removeAll(written);
        syncChunks(caller, rest);
      }
      synchronized (this) {
        flushing = null;
        batch.release(); // sent: readers that took bytes hold their own references
        if (sync) {
          unsyncedChunks.removeAll(toSync);
        } else {
          unsyncedChunks.addAll(written);
        }
        budget.report(this, pendingLocked());
      }
      backgroundFailure = null;
    } catch (RuntimeException e) {
      synchronized (this) {
        // The failed bytes go back under anything written since, which is newer.
        batch.putAll(dirty);
        dirty = batch;
        flushing = null;
        budget.report(this, pendingLocked());
      }
      // Placement may have changed (stale version, replica moved): fetch it afresh next time.
      io.chunks().invalidate(ino);
      throw e;
    }
  }

  private void acquirePermit() {
    try {
      flushPermit.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StrataException(StatusCode.INTERRUPTED, "interrupted while waiting for a flush of inode " + ino, e);
    }
  }

  private Set<Long> writeOut(
      LongFunction<Caller> caller, DirtyBuffer batch, boolean sync, boolean datasync) {
    if (batch.isEmpty()) {
      if (sync && !syncExternalOwed.isEmpty()) {
        commit(caller, 0, true); // an earlier flush wrote them: fsync still owes their upload
      } else if (commitOwed && !datasync) {
        if (sync && mtimeCommitMayWait()) {
          commitLater(caller);
        } else {
          commit(caller, 0, false);
        }
      }
      return Set.of();
    }
    List<DirtyBuffer.Run> runs = batch.runs(io.chunkSize(), MAX_WRITE_BYTES);
    Set<Long> indexes = new TreeSet<>();
    for (DirtyBuffer.Run r : runs) {
      indexes.add(r.chunkIndex());
    }
    Map<Long, ChunkInfo> chunks = io.chunks().allocate(caller, io.clientHost(), ino, indexes);
    long newSize = batch.end();
    // An fsync that only moves mtime (the size stays, no external copy falls behind) commits while
    // the data is being written and synced: the fsync returns after both, so nothing it promises
    // can be missing, and its latency is the slower of the two instead of their sum. A growing
    // size must wait for the data (else a crash could expose a size whose bytes never landed), and
    // a chunk with external copies too (else an upload could start before its bytes arrive).
    boolean mtimeOnly =
        !datasync
            && newSize <= serverSize.get()
            && uncommittedChunks.isEmpty()
            && chunks.values().stream().allMatch(c -> c.getExternalsCount() == 0);
    boolean commitWaits = mtimeOnly && sync && mtimeCommitMayWait();
    boolean commitAlongside = mtimeOnly && !commitWaits;
    // A lone write is made by this thread on its own connection, skipping the event loop's two
    // wake-ups (a small fsync, fdatasync or close): sent and awaited when nothing overlaps it,
    // sent, then the parallel commit, then its reply read when an mtime commit rides along.
    boolean alone = runs.size() == 1;
    List<CompletableFuture<ChunkInfo>> writes = new ArrayList<>();
    ChunkWrites.Started started = null;
    for (DirtyBuffer.Run r : runs) {
      ChunkInfo chunk = chunks.get(r.chunkIndex());
      if (alone && commitAlongside) {
        started = io.writes().start(caller, ino, chunk, r.offsetInChunk(), r.retainedBytes(), sync);
      } else {
        writes.add(io.writes().write(caller, ino, chunk, r.offsetInChunk(), r.retainedBytes(), sync, alone));
      }
    }
    // The writes are on the wire: commit from this thread meanwhile (no thread hand-off).
    RuntimeException commitFailure = null;
    if (commitAlongside) {
      try {
        commit(caller, newSize, false);
      } catch (RuntimeException e) {
        commitFailure = e;
      } finally {
        if (started != null) {
          writes.add(started.finish()); // always: the reply must be read off the connection
        }
      }
    }
    Futures.awaitAll(writes); // a failed write is the error that matters most
    if (commitFailure != null) {
      throw commitFailure;
    }
    for (CompletableFuture<ChunkInfo> w : writes) {
      noteWritten(w.join());
    }
    if (commitWaits) {
      commitLater(caller);
      return indexes;
    }
    boolean uploadNow = sync && !syncExternalOwed.isEmpty();
    if (commitAlongside && uncommittedChunks.isEmpty() && !uploadNow) {
      return indexes; // committed above
    }
    if (datasync && !uploadNow && newSize <= serverSize.get()) {
      commitOwed = true; // only mtime (and dirty marks) would change: the next flush commits them
    } else {
      commit(caller, newSize, uploadNow);
    }
    return indexes;
  }

  /**
   * Whether an fsync's commit, which would change only mtime, may wait: this writer committed
   * within the granularity and owes no external copy a dirty mark or upload. Caller holds the
   * permit.
   */
  private boolean mtimeCommitMayWait() {
    return mtimeGranularityNanos > 0
        && committedOnce
        && uncommittedChunks.isEmpty()
        && syncExternalOwed.isEmpty()
        && nanoClock.getAsLong() - lastCommitNanos.get() < mtimeGranularityNanos;
  }

  /** Owes the commit and makes sure a timer makes it one granularity from now. Caller holds the permit. */
  private void commitLater(LongFunction<Caller> caller) {
    commitOwed = true;
    if (!owedCommitTimer.compareAndSet(false, true)) {
      return;
    }
    timers.apply(mtimeGranularityNanos).execute(() -> makeOwedCommit(caller));
  }

  /**
   * The timer's commit of a skipped fsync commit, unless a flush or close made it meanwhile. When
   * a flush holds the permit, it is tried again one granularity later (that flush may be an
   * fdatasync, which leaves it owed). A failure leaves it owed for the next flush or close.
   *
   * <p>A commit that would change only mtime is sent after the permit is let go, so fsyncs
   * meanwhile are not held up for its round trip; they count the granularity from it, and one that
   * skips its own commit owes it again, for the next timer. Made under the permit, every fsync
   * that arrived during its round trip waited for it (ADR 030).
   */
  private void makeOwedCommit(LongFunction<Caller> caller) {
    owedCommitTimer.set(false);
    if (!flushPermit.tryAcquire()) {
      commitLater(caller);
      return;
    }
    CompletableFuture<Void> inFlight;
    try {
      if (!commitOwed) {
        return;
      }
      if (!uncommittedChunks.isEmpty() || !syncExternalOwed.isEmpty()) {
        commit(caller, 0, false); // external copies fall behind: under the permit, as any commit
        return;
      }
      commitOwed = false;
      lastCommitNanos.accumulateAndGet(nanoClock.getAsLong(), Math::max);
      inFlight = new CompletableFuture<>();
      mtimeCommitInFlight = inFlight;
    } catch (RuntimeException e) {
      log.debug("inode {}: the owed mtime commit failed; the next flush or close makes it: {}", ino, e.toString());
      return;
    } finally {
      flushPermit.release();
    }
    try {
      AttrReply committed = commitWrite(caller, 0, Set.of(), false);
      if (committed.hasAttr()) {
        serverSize.accumulateAndGet(committed.getAttr().getSize(), Math::max);
      }
    } catch (RuntimeException e) {
      commitOwed = true;
      log.debug("inode {}: the owed mtime commit failed; the next flush or close makes it: {}", ino, e.toString());
    } finally {
      inFlight.complete(null);
    }
  }

  /** Remembers a written chunk whose external copies the next commit must mark behind. */
  private void noteWritten(ChunkInfo chunk) {
    if (chunk.getExternalsCount() == 0) {
      return;
    }
    uncommittedChunks.add(chunk.getIndex());
    for (ExternalCopy e : chunk.getExternalsList()) {
      if (e.getSync()) {
        syncExternalOwed.add(chunk.getIndex());
      }
    }
  }

  /**
   * CommitWrite: the size becomes max(size, newSize), mtime now, the written chunks' external
   * copies fall behind; with {@code syncExternal} the server uploads the chunks of sync external
   * copies before replying. Durable when it returns.
   */
  private void commit(LongFunction<Caller> caller, long newSize, boolean syncExternal) {
    Set<Long> written = new TreeSet<>(uncommittedChunks);
    if (syncExternal) {
      written.addAll(syncExternalOwed);
    }
    Set<Long> uploaded = syncExternal ? new TreeSet<>(syncExternalOwed) : Set.of();
    long sentNanos = nanoClock.getAsLong(); // the server's mtime is no older than this
    AttrReply committed = commitWrite(caller, newSize, written, syncExternal);
    long size = committed.hasAttr() ? Math.max(committed.getAttr().getSize(), newSize) : newSize;
    serverSize.accumulateAndGet(size, Math::max);
    commitOwed = false;
    lastCommitNanos.accumulateAndGet(sentNanos, Math::max);
    committedOnce = true;
    uncommittedChunks.removeAll(written);
    syncExternalOwed.removeAll(uploaded);
  }

  private AttrReply commitWrite(
      LongFunction<Caller> caller, long newSize, Set<Long> written, boolean syncExternal) {
    return io.meta()
        .call(
            Methods.META_COMMIT_WRITE,
            sid ->
                CommitWriteRequest.newBuilder()
                    .setCaller(caller.apply(sid))
                    .setIno(ino)
                    .setNewSize(newSize)
                    .addAllWrittenChunks(written)
                    .setSyncExternal(syncExternal)
                    .build(),
            AttrReply.parser());
  }

  private void syncChunks(LongFunction<Caller> caller, Set<Long> indexes) {
    if (indexes.isEmpty()) {
      return;
    }
    Map<Long, ChunkInfo> chunks = io.chunks().allocate(caller, io.clientHost(), ino, indexes);
    List<CompletableFuture<ChunkInfo>> syncs = new ArrayList<>();
    for (long i : indexes) {
      syncs.add(io.writes().sync(caller, ino, chunks.get(i)));
    }
    Futures.awaitAll(syncs);
  }
}
