package io.stratafs.fuse.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.storage.ReadChunkReply;
import io.stratafs.protocol.storage.ReadChunkRequest;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.protocol.storage.SyncChunkRequest;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, writes and syncs byte ranges of chunks on storage daemons. Writes go to the head of the
 * chunk's replica chain (the daemons replicate along it); reads go to the first replica and fall
 * back to the next ones when a replica cannot be reached. At most {@code maxInFlight} calls are
 * outstanding at once, so a large flush cannot flood the daemons. Thread-safe.
 */
public final class StorageClient {
  private static final Logger log = LoggerFactory.getLogger(StorageClient.class);

  private final RpcClient rpc;
  private final Duration timeout;
  private final Semaphore inFlight;

  public StorageClient(RpcClient rpc, Duration timeout, int maxInFlight) {
    this.rpc = rpc;
    this.timeout = timeout;
    this.inFlight = new Semaphore(Math.max(1, maxInFlight));
  }

  /**
   * Writes {@code data} (ownership passes here; it is released when sent) at {@code offset} of the
   * chunk. With {@code sync} the daemon fsyncs the chunk before replying.
   */
  public CompletableFuture<Void> write(ChunkInfo chunk, long offset, ByteBuf data, boolean sync) {
    Replica head = head(chunk);
    WriteChunkRequest req =
        WriteChunkRequest.newBuilder()
            .setChunkId(chunk.getChunkId())
            .setVersion(chunk.getVersion())
            .setDevice(head.getDevice())
            .setOffset(offset)
            .setSync(sync)
            .build();
    acquire(data);
    return bounded(
        () ->
            rpc.call(RpcClient.parseAddress(head.getAddress()), Methods.STORAGE_WRITE, req, data, WriteChunkReply.parser(), timeout)
                .thenAccept(response -> response.close()));
  }

  /** Makes everything written to the chunk durable on its head replica (and down the chain). */
  public CompletableFuture<Void> sync(ChunkInfo chunk) {
    Replica head = head(chunk);
    SyncChunkRequest req =
        SyncChunkRequest.newBuilder().setChunkId(chunk.getChunkId()).setDevice(head.getDevice()).build();
    acquire(null);
    return bounded(
        () ->
            rpc.call(
                    RpcClient.parseAddress(head.getAddress()),
                    Methods.STORAGE_SYNC,
                    req,
                    Unpooled.EMPTY_BUFFER,
                    StorageReply.parser(),
                    timeout)
                .thenAccept(response -> response.close()));
  }

  /**
   * Reads {@code dst.remaining()} bytes at {@code offset} of the chunk into {@code dst} (from its
   * position; the position is not moved). Completes with the number of bytes the chunk had there:
   * fewer than asked means the chunk's data ends (the rest is a hole the caller zero-fills).
   */
  public CompletableFuture<Integer> read(ChunkInfo chunk, long offset, ByteBuffer dst) {
    if (chunk.getReplicasCount() == 0) {
      return CompletableFuture.failedFuture(noReplica(chunk));
    }
    acquire(null);
    return readFrom(chunk, 0, offset, dst);
  }

  private CompletableFuture<Integer> readFrom(ChunkInfo chunk, int replicaIndex, long offset, ByteBuffer dst) {
    Replica replica = chunk.getReplicas(replicaIndex);
    ReadChunkRequest req =
        ReadChunkRequest.newBuilder()
            .setChunkId(chunk.getChunkId())
            .setDevice(replica.getDevice())
            .setOffset(offset)
            .setLength(dst.remaining())
            .build();
    // Only the first attempt holds a permit: fallbacks start on an event-loop thread, which must
    // never block waiting for one (they are rare, so the bound barely moves).
    Supplier<CompletableFuture<Integer>> attempt = () ->
        rpc.call(
                RpcClient.parseAddress(replica.getAddress()),
                Methods.STORAGE_READ,
                req,
                Unpooled.EMPTY_BUFFER,
                ReadChunkReply.parser(),
                timeout)
            .thenApply(
                response -> {
                  try (response) {
                    ByteBuf data = response.data();
                    int n = Math.min(data.readableBytes(), dst.remaining());
                    ByteBuffer target = dst.duplicate();
                    target.limit(target.position() + n);
                    data.getBytes(data.readerIndex(), target);
                    return n;
                  }
                });
    CompletableFuture<Integer> copied = replicaIndex == 0 ? bounded(attempt) : attempt.get();
    if (replicaIndex + 1 >= chunk.getReplicasCount()) {
      return copied;
    }
    return copied
        .handle(
            (n, err) -> {
              if (err == null) {
                return CompletableFuture.completedFuture(n);
              }
              StatusCode code = StrataException.codeOf(err);
              if (code != StatusCode.UNAVAILABLE && code != StatusCode.TIMED_OUT && code != StatusCode.CORRUPT) {
                return CompletableFuture.<Integer>failedFuture(err);
              }
              log.warn(
                  "reading chunk {} from {} failed ({}); trying the next replica",
                  chunk.getChunkId(),
                  replica.getAddress(),
                  err.toString());
              return readFrom(chunk, replicaIndex + 1, offset, dst);
            })
        .thenCompose(f -> f);
  }

  /** Starts a call holding one in-flight permit (already acquired) and gives it back when done. */
  private <T> CompletableFuture<T> bounded(Supplier<CompletableFuture<T>> call) {
    CompletableFuture<T> f;
    try {
      f = call.get();
    } catch (RuntimeException e) {
      inFlight.release();
      throw e;
    }
    return f.whenComplete((ok, err) -> inFlight.release());
  }

  private void acquire(ByteBuf dataToReleaseOnFailure) {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (dataToReleaseOnFailure != null) {
        dataToReleaseOnFailure.release();
      }
      throw new StrataException(StatusCode.INTERRUPTED, "interrupted while waiting to send to a storage daemon", e);
    }
  }

  private static Replica head(ChunkInfo chunk) {
    if (chunk.getReplicasCount() == 0) {
      throw noReplica(chunk);
    }
    return chunk.getReplicas(0);
  }

  private static StrataException noReplica(ChunkInfo chunk) {
    return StrataException.of(
        StatusCode.UNAVAILABLE,
        "chunk %d (index %d) has no replica; check that storage daemons are registered",
        chunk.getChunkId(),
        chunk.getIndex());
  }
}
