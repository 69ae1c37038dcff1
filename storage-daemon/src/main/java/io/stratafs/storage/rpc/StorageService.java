package io.stratafs.storage.rpc;

import io.stratafs.common.LifeCycle;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcCall;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.rpc.RpcHandler;
import io.stratafs.protocol.rpc.InProcessAddress;
import io.stratafs.protocol.rpc.RpcServer;
import io.stratafs.protocol.storage.CopyChunkRequest;
import io.stratafs.protocol.storage.DeleteChunkRequest;
import io.stratafs.protocol.storage.DeleteExternalRequest;
import io.stratafs.protocol.storage.ReadExternalRequest;
import io.stratafs.protocol.storage.RestoreChunkRequest;
import io.stratafs.protocol.storage.UploadChunkRequest;
import io.stratafs.protocol.storage.ReadChunkRequest;
import io.stratafs.protocol.storage.StorageStatRequest;
import io.stratafs.protocol.storage.SyncChunkRequest;
import io.stratafs.protocol.storage.TruncateChunkRequest;
import io.stratafs.protocol.storage.WriteChunkRequest;
import io.stratafs.storage.chunk.ChunkStore;
import io.stratafs.storage.external.ExternalTargets;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The storage daemon's RPC endpoint: one handler class per method over a {@link ChunkStore} and
 * the daemon's {@link ExternalTargets}. Every call is refused with UNAVAILABLE unless the daemon's
 * lifecycle is RUNNING. Owns the RPC client that forwards writes down chains and copies chunks to
 * other daemons.
 */
public final class StorageService implements AutoCloseable {
  private final RpcServer server;
  private final RpcClient peers;
  private final ExecutorService handlers;

  private StorageService(RpcServer server, RpcClient peers, ExecutorService handlers) {
    this.handlers = handlers;
    this.server = server;
    this.peers = peers;
  }

  public static StorageService start(
      String storageId, ChunkStore store, InetSocketAddress bind, LifeCycle lifeCycle) {
    return start(storageId, store, new ExternalTargets(List.of()), bind, null, null, lifeCycle);
  }

  /**
   * @param directBind where the direct listener listens (connections served by a thread each,
   *     running the handlers themselves, ADR 024), or null for none
   * @param directSocket the Unix domain socket of a second such listener, for mounts on this
   *     machine (ADR 033), or null for none
   */
  public static StorageService start(
      String storageId, ChunkStore store, ExternalTargets externals, InetSocketAddress bind, InetSocketAddress directBind,
      Path directSocket, LifeCycle lifeCycle) {
    RpcClient peers = new RpcClient("storage-" + storageId + "-peers");
    ChainForwarder chain = new ChainForwarder(peers);
    // Platform threads: handlers live in file I/O and fsync, where a virtual thread pins its
    // carrier (ADR 019). Unbounded, as a chained write waits on the next daemon's handler.
    ExecutorService handlers =
        Executors.newCachedThreadPool(Thread.ofPlatform().name("storage-" + storageId + "-handler-", 0).daemon().factory());
    RpcServer server;
    try {
      RpcServer.Builder builder = RpcServer.builder("storage-" + storageId).bind(bind);
      if (directBind != null) {
        builder.directListener(directBind);
      }
      if (directSocket != null) {
        builder.directSocket(directSocket);
      }
      server =
          builder
              .blockingExecutor(handlers)
              .handler(Methods.STORAGE_WRITE, WriteChunkRequest.parser(), guarded(lifeCycle, new WriteChunkHandler(store, chain)))
              .handler(Methods.STORAGE_READ, ReadChunkRequest.parser(), guarded(lifeCycle, new ReadChunkHandler(store)))
              .handler(
                  Methods.STORAGE_TRUNCATE,
                  TruncateChunkRequest.parser(),
                  guarded(lifeCycle, new TruncateChunkHandler(store)))
              .handler(Methods.STORAGE_DELETE, DeleteChunkRequest.parser(), guarded(lifeCycle, new DeleteChunkHandler(store)))
              .handler(Methods.STORAGE_SYNC, SyncChunkRequest.parser(), guarded(lifeCycle, new SyncChunkHandler(store, chain)))
              .handler(Methods.STORAGE_COPY, CopyChunkRequest.parser(), guarded(lifeCycle, new CopyChunkHandler(store, peers)))
              .handler(
                  Methods.STORAGE_UPLOAD, UploadChunkRequest.parser(), guarded(lifeCycle, new UploadChunkHandler(store, externals)))
              .handler(
                  Methods.STORAGE_RESTORE, RestoreChunkRequest.parser(), guarded(lifeCycle, new RestoreChunkHandler(store, externals)))
              .handler(
                  Methods.STORAGE_READ_EXTERNAL, ReadExternalRequest.parser(), guarded(lifeCycle, new ReadExternalHandler(externals)))
              .handler(
                  Methods.STORAGE_DELETE_EXTERNAL,
                  DeleteExternalRequest.parser(),
                  guarded(lifeCycle, new DeleteExternalHandler(externals)))
              .handler(Methods.STORAGE_STAT, StorageStatRequest.parser(), guarded(lifeCycle, new StatHandler(store)))
              .build()
              .start();
    } catch (RuntimeException e) {
      peers.close();
      handlers.shutdownNow();
      throw e;
    }
    return new StorageService(server, peers, handlers);
  }

  private static <Req extends com.google.protobuf.Message> RpcHandler<Req> guarded(
      LifeCycle lifeCycle, RpcHandler<Req> handler) {
    return (RpcCall<Req> call) -> {
      lifeCycle.assertRunning();
      return handler.handle(call);
    };
  }

  public InetSocketAddress address() {
    return server.address();
  }

  /** The direct listener's Unix domain socket, or null without one. */
  public Path directSocket() {
    return server.directSocket();
  }

  /** Where the direct listener listens, or null without one. */
  public InetSocketAddress directAddress() {
    return server.directAddress();
  }

  /** Also serves callers in this JVM under {@code name}, by method calls (ADR 034, 035). */
  public InProcessAddress serveInProcess(String name) {
    return server.serveInProcess(name);
  }

  /** Client connections over a socket (TCP or Unix) open now. */
  public int socketConnections() {
    return server.socketConnections();
  }

  @Override
  public void close() {
    server.close();
    peers.close();
    handlers.shutdown(); // running handlers finish; their replies are dropped with the connections
  }
}
