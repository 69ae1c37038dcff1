package io.stratafs.fuse.client;

import io.netty.buffer.ByteBuf;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.storage.WriteChunkReply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chain writes and syncs with the recovery rules of docs/adr/017:
 *
 * <ul>
 *   <li>downstream replicas the head reports in {@code failed} are excluded (meta.ExcludeReplica)
 *       and the write is done: the survivors have the bytes;
 *   <li>a head that fails (unreachable, timed out, I/O error, full) is excluded and the same bytes
 *       go to the new head (overwrites are idempotent), at most replicas + 1 attempts; when the
 *       server refuses to exclude the last copy (UNAVAILABLE) the write fails with the head's
 *       error (ENOSPC stays ENOSPC, an unreachable replica is EIO);
 *   <li>STALE_VERSION (the replica set changed under us): refetch the chunk and retry with backoff
 *       (10 ms doubling to 500 ms) for at most {@link #STALE_RETRY_FOR_MS};
 *   <li>a chunk without a local replica (cold file) first gets one (meta.EnsureLocalReplica).
 * </ul>
 *
 * <p>The first attempt runs on the caller's thread and its outcome is settled on the event loop
 * that read the reply (storage futures complete there), so nothing here may block there:
 * recovery makes blocking metadata calls and runs on {@code recovery} (virtual threads). The
 * returned futures complete on either; callers wait on them or attach non-blocking work only.
 * Thread-safe.
 */
public final class ChunkWrites {
  private static final Logger log = LoggerFactory.getLogger(ChunkWrites.class);
  static final long STALE_BACKOFF_START_MS = 10;
  static final long STALE_BACKOFF_MAX_MS = 500;
  static final long STALE_RETRY_FOR_MS = 30_000;

  private final StorageClient storage;
  private final ChunkLocations chunks;
  private final String clientHost;
  private final Executor recovery;

  public ChunkWrites(StorageClient storage, ChunkLocations chunks, String clientHost, Executor recovery) {
    this.storage = storage;
    this.chunks = chunks;
    this.clientHost = clientHost;
    this.recovery = recovery;
  }

  /**
   * Writes {@code data} (ownership passes here) at {@code offset} of {@code chunk} of inode {@code
   * ino} on every surviving replica. Completes with the chunk as the write left it (replicas that
   * failed are excluded from it).
   */
  public CompletableFuture<ChunkInfo> write(
      LongFunction<Caller> caller, long ino, ChunkInfo chunk, long offset, ByteBuf data, boolean sync) {
    return write(caller, ino, chunk, offset, data, sync, false);
  }

  /**
   * Like {@link #write(LongFunction, long, ChunkInfo, long, ByteBuf, boolean)}; with {@code
   * onCallerThread} the first attempt is made by the calling platform thread on its own connection
   * ({@link StorageClient#write(ChunkInfo, long, ByteBuf, boolean, boolean)}), for a caller that
   * waits for this write alone. Recovery is the same either way.
   */
  public CompletableFuture<ChunkInfo> write(
      LongFunction<Caller> caller, long ino, ChunkInfo chunk, long offset, ByteBuf data, boolean sync, boolean onCallerThread) {
    Op op = writeOp(offset, data, sync, onCallerThread);
    CompletableFuture<ChunkInfo> done;
    try {
      done = run(caller, ino, chunk, op, null);
    } catch (RuntimeException e) {
      data.release();
      throw e;
    }
    return done.whenComplete((c, err) -> data.release());
  }

  /**
   * Starts a write whose first attempt the calling platform thread sends on its own connection
   * ({@link StorageClient#sendWrite}) without waiting, so it can make another call meanwhile; the
   * same thread must then call {@link Started#finish}, which reads the reply and recovers like
   * {@link #write}. Other threads, and a chunk without replicas, get the ordinary write.
   */
  public Started start(LongFunction<Caller> caller, long ino, ChunkInfo chunk, long offset, ByteBuf data, boolean sync) {
    if (chunk.getReplicasCount() == 0 || !ThreadConnections.suitsCurrentThread()) {
      CompletableFuture<ChunkInfo> done = write(caller, ino, chunk, offset, data, sync, false);
      return () -> done;
    }
    StorageClient.SentCall<WriteChunkReply> sent;
    try {
      sent = storage.sendWrite(chunk, offset, data.retainedDuplicate(), sync);
    } catch (RuntimeException e) {
      data.release();
      throw e;
    }
    Op op = writeOp(offset, data, sync, false); // retries run on recovery's virtual threads
    return () ->
        run(caller, ino, chunk, op, sent.reply().thenApply(r -> r.getFailedList()))
            .whenComplete((c, err) -> data.release());
  }

  /** A write started by {@link #start}. */
  @FunctionalInterface
  public interface Started {
    /** Reads the first attempt's reply (on the thread that started it) and recovers as needed. */
    CompletableFuture<ChunkInfo> finish();
  }

  private Op writeOp(long offset, ByteBuf data, boolean sync, boolean onCallerThread) {
    return new Op() {
      @Override
      public CompletableFuture<List<String>> send(ChunkInfo c) {
        // The RPC layer releases what it sends: each attempt gets its own reference.
        return storage.write(c, offset, data.retainedDuplicate(), sync, onCallerThread).thenApply(r -> r.getFailedList());
      }

      @Override
      public String what() {
        return "write";
      }
    };
  }

  /** Makes the chunk durable on every surviving replica (SyncChunk down the chain). */
  public CompletableFuture<ChunkInfo> sync(LongFunction<Caller> caller, long ino, ChunkInfo chunk) {
    return run(
        caller,
        ino,
        chunk,
        new Op() {
          @Override
          public CompletableFuture<List<String>> send(ChunkInfo c) {
            return storage.sync(c).thenApply(r -> r.getFailedList());
          }

          @Override
          public String what() {
            return "sync";
          }
        },
        null);
  }

  /** One chain call; completes with the storage ids of downstream replicas that failed. */
  private interface Op {
    CompletableFuture<List<String>> send(ChunkInfo chunk);

    String what();
  }

  /** @param firstAttempt the first attempt's outcome when already sent; null sends it here */
  private CompletableFuture<ChunkInfo> run(
      LongFunction<Caller> caller, long ino, ChunkInfo chunk, Op op, CompletableFuture<List<String>> firstAttempt) {
    if (chunk.getReplicasCount() == 0) {
      return CompletableFuture.supplyAsync(() -> recover(caller, ino, chunk, op, null, null), recovery);
    }
    return (firstAttempt != null ? firstAttempt : op.send(chunk))
        .handle((failed, err) -> {
          if (err == null && failed.isEmpty()) {
            return CompletableFuture.completedFuture(chunk);
          }
          return CompletableFuture.supplyAsync(() -> recover(caller, ino, chunk, op, failed, err), recovery);
        })
        .thenCompose(f -> f);
  }

  /**
   * Blocking: settles the outcome of the first attempt ({@code failed} or {@code err}; both null
   * when the chunk had no replica) and retries until the bytes are on every surviving replica.
   */
  private ChunkInfo recover(
      LongFunction<Caller> caller, long ino, ChunkInfo first, Op op, List<String> firstFailed, Throwable firstErr) {
    ChunkInfo chunk = first;
    List<String> failed = firstFailed;
    Throwable err = firstErr;
    int headAttempts = 1;
    long staleBackoffMs = STALE_BACKOFF_START_MS;
    long staleDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STALE_RETRY_FOR_MS);
    int maxHeadAttempts = first.getReplicasCount() + 1;
    while (true) {
      if (err == null && failed != null) {
        return excludeFailed(caller, ino, chunk, failed, op);
      }
      if (err != null) {
        StatusCode code = StrataException.codeOf(err);
        if (code == StatusCode.STALE_VERSION) {
          if (System.nanoTime() - staleDeadline > 0) {
            throw StrataException.of(
                StatusCode.STALE_VERSION,
                "%s of chunk %d (index %d) of inode %d: the replica set kept changing for %d s; last error: %s",
                op.what(),
                chunk.getChunkId(),
                chunk.getIndex(),
                ino,
                STALE_RETRY_FOR_MS / 1000,
                Futures.rethrow(err).getMessage());
          }
          sleep(staleBackoffMs);
          staleBackoffMs = Math.min(staleBackoffMs * 2, STALE_BACKOFF_MAX_MS);
          chunk = chunks.refetch(caller, clientHost, ino, chunk.getIndex());
        } else if (isHeadFailure(code)) {
          chunk = excludeHead(caller, ino, chunk, code, err, op);
          if (++headAttempts > maxHeadAttempts) {
            throw StrataException.of(
                code == StatusCode.TIMED_OUT ? StatusCode.UNAVAILABLE : code,
                "%s of chunk %d (index %d) of inode %d failed on %d heads in a row; last error: %s",
                op.what(),
                chunk.getChunkId(),
                chunk.getIndex(),
                ino,
                maxHeadAttempts,
                Futures.rethrow(err).getMessage());
          }
        } else {
          throw Futures.rethrow(err);
        }
      }
      if (chunk.getReplicasCount() == 0) {
        // A cold chunk (or every local replica excluded while an external copy is current).
        chunk = chunks.ensureLocal(caller, clientHost, ino, chunk.getIndex());
        if (chunk.getReplicasCount() == 0) {
          throw StrataException.of(
              StatusCode.UNAVAILABLE, "chunk %d of inode %d has no local replica to write to", chunk.getIndex(), ino);
        }
      }
      try {
        failed = Futures.await(op.send(chunk));
        err = null;
      } catch (RuntimeException e) {
        failed = null;
        err = e;
      }
    }
  }

  private static boolean isHeadFailure(StatusCode code) {
    return code == StatusCode.UNAVAILABLE
        || code == StatusCode.TIMED_OUT
        || code == StatusCode.IO_ERROR
        || code == StatusCode.NO_SPACE
        || code == StatusCode.NOT_FOUND; // the head's device was re-created: the replica is gone
  }

  /** The head replied but some downstream replicas did not take the call: exclude them. */
  private ChunkInfo excludeFailed(LongFunction<Caller> caller, long ino, ChunkInfo chunk, List<String> failed, Op op) {
    ChunkInfo current = chunk;
    for (String storageId : failed) {
      Replica replica = replicaOf(chunk, storageId);
      if (replica == null) {
        continue; // not in the chain we sent: nothing to exclude
      }
      log.warn(
          "{} of chunk {} (index {}) of inode {} failed on replica {} at {}; excluding it",
          op.what(),
          chunk.getChunkId(),
          chunk.getIndex(),
          ino,
          storageId,
          replica.getAddress());
      try {
        current = chunks.exclude(caller, ino, chunk, replica, op.what() + " failed");
      } catch (StrataException e) {
        // The head has the bytes; the server keeps the replica only when it is the last one,
        // which a downstream hop never is. Anything else: the next write retries the exclusion.
        log.warn("could not exclude replica {} of chunk {}: {}", storageId, chunk.getChunkId(), e.toString());
      }
    }
    return current;
  }

  /** The head failed with {@code code}: exclude it; the returned chunk has the new head. */
  private ChunkInfo excludeHead(
      LongFunction<Caller> caller, long ino, ChunkInfo chunk, StatusCode code, Throwable err, Op op) {
    Replica head = chunk.getReplicas(0);
    String cause = Futures.rethrow(err).getMessage();
    log.warn(
        "{} of chunk {} (index {}) of inode {} failed on its head {} at {} ({}); excluding it",
        op.what(),
        chunk.getChunkId(),
        chunk.getIndex(),
        ino,
        head.getStorageId(),
        head.getAddress(),
        cause);
    try {
      return chunks.exclude(caller, ino, chunk, head, op.what() + " failed: " + code);
    } catch (StrataException e) {
      if (e.code() != StatusCode.UNAVAILABLE) {
        throw e;
      }
      // The last copy: the data exists nowhere else. Report the replica's own error (ENOSPC
      // stays ENOSPC), an unreachable or timed-out one as EIO.
      StatusCode reported = code == StatusCode.TIMED_OUT ? StatusCode.UNAVAILABLE : code;
      throw new StrataException(
          reported,
          String.format(
              "%s of chunk %d (index %d) of inode %d failed on replica %s at %s, its last copy: %s",
              op.what(),
              chunk.getChunkId(),
              chunk.getIndex(),
              ino,
              head.getStorageId(),
              head.getAddress(),
              cause),
          err);
    }
  }

  private static Replica replicaOf(ChunkInfo chunk, String storageId) {
    for (Replica r : chunk.getReplicasList()) {
      if (r.getStorageId().equals(storageId)) {
        return r;
      }
    }
    return null;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StrataException(StatusCode.INTERRUPTED, "interrupted while waiting to retry a write", e);
    }
  }
}
