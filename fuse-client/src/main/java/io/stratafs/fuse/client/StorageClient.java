package io.stratafs.fuse.client;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.ExternalCopy;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.rpc.RpcResponse;
import io.stratafs.protocol.storage.ChainHop;
import io.stratafs.protocol.storage.ReadChunkReply;
import io.stratafs.protocol.storage.ReadChunkRequest;
import io.stratafs.protocol.storage.ReadExternalRequest;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.protocol.storage.SyncChunkRequest;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Single storage RPCs, one attempt each: a chain write or sync entering at a chunk's head replica,
 * a read from one replica, a read of an external copy through one daemon. What to do when one
 * fails (exclude the replica, try the next one) is {@link ChunkWrites}' and {@link ChunkReads}'
 * business. At most {@code maxInFlight} calls are outstanding at once, so a large flush cannot
 * flood the daemons. Thread-safe.
 */
public final class StorageClient implements AutoCloseable {
  /** Daemons a platform thread keeps its own connection to (heads of the chunks it writes). */
  private static final int CONNECTIONS_PER_THREAD = 4;

  private final RpcClient rpc;
  private final Duration timeout;
  private final Semaphore inFlight;
  private final ThreadConnections threadConnections;

  public StorageClient(RpcClient rpc, Duration timeout, int maxInFlight) {
    this(rpc, timeout, maxInFlight, address -> List.of());
  }

  /**
   * @param directEndpoints a daemon's address (host:port) → its direct listeners, best first: where
   *     the calls a thread makes on its own connection go (see {@link ThreadConnections})
   */
  public StorageClient(
      RpcClient rpc, Duration timeout, int maxInFlight, Function<String, List<SocketAddress>> directEndpoints) {
    this.rpc = rpc;
    this.timeout = timeout;
    this.inFlight = new Semaphore(Math.max(1, maxInFlight));
    this.threadConnections =
        new ThreadConnections(
            "the storage client", CONNECTIONS_PER_THREAD, a -> directEndpoints.apply(a.getHostString() + ":" + a.getPort()));
  }

  /**
   * Writes {@code data} (ownership passes here; it is released when sent) at {@code offset} of the
   * chunk, entering the chain at {@code replicas[0]} with the rest as downstream hops. With {@code
   * sync} every replica fsyncs the chunk before replying. The reply's {@code failed} lists the
   * downstream replicas that did not take the write. Completes on the event loop (see {@link
   * RpcClient#mapInline}): continuations attached without an executor must not block.
   */
  public CompletableFuture<WriteChunkReply> write(ChunkInfo chunk, long offset, ByteBuf data, boolean sync) {
    return write(chunk, offset, data, sync, false);
  }

  /**
   * Like {@link #write(ChunkInfo, long, ByteBuf, boolean)}; with {@code onCallerThread}, a platform
   * thread makes the call itself on its own connection to the head ({@link ThreadConnections}) and
   * gets a completed future: two thread wake-ups fewer per call than through the event loop, for a
   * caller that would only wait for this one call anyway (a small fsync, a close). Virtual threads
   * always go through the event loop.
   */
  public CompletableFuture<WriteChunkReply> write(
      ChunkInfo chunk, long offset, ByteBuf data, boolean sync, boolean onCallerThread) {
    if (onCallerThread && ThreadConnections.suitsCurrentThread()) {
      return sendWrite(chunk, offset, data, sync).reply();
    }
    Replica head = headOrRelease(chunk, data);
    WriteChunkRequest req = writeRequest(chunk, head, offset, sync);
    acquire(data);
    return bounded(
        () ->
            RpcClient.mapInline(
                rpc.call(RpcClient.parseAddress(head.getAddress()), Methods.STORAGE_WRITE, req, data, WriteChunkReply.parser(), timeout),
                StorageClient::bodyOf));
  }

  /**
   * Sends the write on the calling platform thread's own connection to the head and returns
   * without waiting, so the thread can make another call (a commit) while both are in flight; it
   * must then read the outcome with {@link SentCall#reply}. A send that fails is that outcome.
   */
  SentCall<WriteChunkReply> sendWrite(ChunkInfo chunk, long offset, ByteBuf data, boolean sync) {
    Replica head = headOrRelease(chunk, data);
    // Idempotent: the same bytes at the same offset and version (ChunkWrites resends them too).
    return sendOnThisThread(head.getAddress(), Methods.STORAGE_WRITE, writeRequest(chunk, head, offset, sync), data, WriteChunkReply.parser(), true);
  }

  /** Sends on this platform thread's own connection (idempotent calls only), holding a permit if asked. */
  private <R extends Message> SentCall<R> sendOnThisThread(
      String address, String method, Message request, ByteBuf data, Parser<R> parser, boolean holdPermit) {
    if (!ThreadConnections.suitsCurrentThread()) {
      data.release();
      throw new IllegalStateException(method + " on the caller's thread needs a platform thread");
    }
    if (holdPermit) {
      acquire(data);
    }
    try {
      return new SentCall<>(
          threadConnections.send(RpcClient.parseAddress(address), method, request, data, parser, rpc.epoch(), timeout, true),
          holdPermit);
    } catch (RuntimeException e) {
      if (holdPermit) {
        inFlight.release();
      }
      throw e;
    }
  }

  /**
   * A call this thread sent on its own connection; read it once, on the same thread. Its outcome
   * is a completed future: the same as the event loop's, for the same recovery.
   */
  final class SentCall<R extends Message> {
    private final ThreadConnections.Pending<R> pending;
    private final boolean holdsPermit;

    private SentCall(ThreadConnections.Pending<R> pending, boolean holdsPermit) {
      this.pending = pending;
      this.holdsPermit = holdsPermit;
    }

    CompletableFuture<R> reply() {
      return reply(null);
    }

    /** With the reply's bulk data copied into {@code dataInto} (see {@link #dataBytes}). */
    CompletableFuture<R> reply(ByteBuffer dataInto) {
      try {
        return CompletableFuture.completedFuture(pending.reply(dataInto));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      } finally {
        if (holdsPermit) {
          inFlight.release();
        }
      }
    }

    int dataBytes() {
      return pending.dataBytes();
    }
  }

  private static WriteChunkRequest writeRequest(ChunkInfo chunk, Replica head, long offset, boolean sync) {
    return WriteChunkRequest.newBuilder()
        .setChunkId(chunk.getChunkId())
        .setVersion(chunk.getVersion())
        .setDevice(head.getDevice())
        .setIncarnation(head.getIncarnation())
        .setOffset(offset)
        .setSync(sync)
        .addAllDownstream(downstream(chunk))
        .build();
  }

  /**
   * Makes everything written to the chunk durable on every replica of its chain. Completes on the
   * event loop, like {@link #write}.
   */
  public CompletableFuture<StorageReply> sync(ChunkInfo chunk) {
    Replica head = head(chunk);
    SyncChunkRequest req =
        SyncChunkRequest.newBuilder()
            .setChunkId(chunk.getChunkId())
            .setDevice(head.getDevice())
            .setIncarnation(head.getIncarnation())
            .addAllDownstream(downstream(chunk))
            .build();
    acquire(null);
    return bounded(
        () ->
            RpcClient.mapInline(
                rpc.call(
                    RpcClient.parseAddress(head.getAddress()),
                    Methods.STORAGE_SYNC,
                    req,
                    Unpooled.EMPTY_BUFFER,
                    StorageReply.parser(),
                    timeout),
                StorageClient::bodyOf));
  }

  /**
   * Reads {@code dst.remaining()} bytes at {@code offset} of the chunk from one replica into
   * {@code dst} (from its position; the position is not moved). Completes with the number of
   * bytes the chunk had there: fewer than asked means the chunk's data ends (the rest is a hole).
   *
   * @param holdPermit whether to wait for an in-flight permit; fallbacks run on event-loop threads,
   *     which must never block waiting for one (they are rare, so the bound barely moves)
   */
  public CompletableFuture<Integer> read(ChunkInfo chunk, Replica replica, long offset, ByteBuffer dst, boolean holdPermit) {
    return read(chunk, replica, offset, dst, holdPermit, false);
  }

  /**
   * Like {@link #read(ChunkInfo, Replica, long, ByteBuffer, boolean)}; with {@code onCallerThread}
   * a platform thread reads on its own connection to the replica's daemon and gets a completed
   * future (for a caller that waits for this read alone). A read may run twice, so a kept
   * connection its daemon closed is retried once on a new one.
   */
  public CompletableFuture<Integer> read(
      ChunkInfo chunk, Replica replica, long offset, ByteBuffer dst, boolean holdPermit, boolean onCallerThread) {
    ReadChunkRequest req =
        ReadChunkRequest.newBuilder()
            .setChunkId(chunk.getChunkId())
            .setDevice(replica.getDevice())
            .setIncarnation(replica.getIncarnation())
            .setOffset(offset)
            .setLength(dst.remaining())
            .build();
    if (onCallerThread && ThreadConnections.suitsCurrentThread()) {
      SentCall<ReadChunkReply> read =
          sendOnThisThread(replica.getAddress(), Methods.STORAGE_READ, req, Unpooled.EMPTY_BUFFER, ReadChunkReply.parser(), holdPermit);
      return read.reply(dst).thenApply(r -> read.dataBytes());
    }
    return maybeBounded(
        holdPermit,
        () ->
            rpc.call(
                    RpcClient.parseAddress(replica.getAddress()),
                    Methods.STORAGE_READ,
                    req,
                    Unpooled.EMPTY_BUFFER,
                    ReadChunkReply.parser(),
                    timeout)
                .thenApply(response -> copyInto(response, dst)));
  }

  /**
   * Reads from the external copy {@code copy} of the chunk through the daemon at {@code address}
   * (which has the target configured). Same contract as {@link #read}.
   */
  public CompletableFuture<Integer> readExternal(
      String address, ChunkInfo chunk, ExternalCopy copy, long offset, ByteBuffer dst, boolean holdPermit) {
    ReadExternalRequest req =
        ReadExternalRequest.newBuilder()
            .setChunkId(chunk.getChunkId())
            .setTarget(copy.getTarget())
            .setGeneration(copy.getGeneration())
            .setLength(copy.getLength())
            .setOffset(offset)
            .setReadLength(dst.remaining())
            .build();
    return maybeBounded(
        holdPermit,
        () ->
            rpc.call(
                    RpcClient.parseAddress(address),
                    Methods.STORAGE_READ_EXTERNAL,
                    req,
                    Unpooled.EMPTY_BUFFER,
                    ReadChunkReply.parser(),
                    timeout)
                .thenApply(response -> copyInto(response, dst)));
  }

  private static int copyInto(RpcResponse<ReadChunkReply> response, ByteBuffer dst) {
    try (response) {
      ByteBuf data = response.data();
      int n = Math.min(data.readableBytes(), dst.remaining());
      ByteBuffer target = dst.duplicate();
      target.limit(target.position() + n);
      data.getBytes(data.readerIndex(), target);
      return n;
    }
  }

  private static <T extends com.google.protobuf.Message> T bodyOf(RpcResponse<T> response) {
    try (response) {
      return response.body();
    }
  }

  private static List<ChainHop> downstream(ChunkInfo chunk) {
    List<ChainHop> hops = new ArrayList<>();
    for (int i = 1; i < chunk.getReplicasCount(); i++) {
      Replica r = chunk.getReplicas(i);
      hops.add(ChainHop.newBuilder().setStorageId(r.getStorageId()).setAddress(r.getAddress()).setDevice(r.getDevice())
          .setIncarnation(r.getIncarnation()).build());
    }
    return hops;
  }

  private <T> CompletableFuture<T> maybeBounded(boolean holdPermit, Supplier<CompletableFuture<T>> call) {
    if (!holdPermit) {
      return call.get();
    }
    acquire(null);
    return bounded(call);
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

  /** Closes the threads' own connections; the shared RPC client is its owner's to close. */
  @Override
  public void close() {
    threadConnections.close();
  }

  /** {@link #head}, releasing {@code data} (whose ownership the caller passed) if there is none. */
  private static Replica headOrRelease(ChunkInfo chunk, ByteBuf data) {
    try {
      return head(chunk);
    } catch (StrataException e) {
      data.release();
      throw e;
    }
  }

  private static Replica head(ChunkInfo chunk) {
    if (chunk.getReplicasCount() == 0) {
      throw StrataException.of(
          StatusCode.UNAVAILABLE,
          "chunk %d (index %d) has no local replica; check that storage daemons are registered",
          chunk.getChunkId(),
          chunk.getIndex());
    }
    return chunk.getReplicas(0);
  }
}
