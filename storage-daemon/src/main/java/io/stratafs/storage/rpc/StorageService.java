package io.stratafs.storage.rpc;

import io.stratafs.common.LifeCycle;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcCall;
import io.stratafs.protocol.rpc.RpcHandler;
import io.stratafs.protocol.rpc.RpcServer;
import io.stratafs.protocol.storage.DeleteChunkRequest;
import io.stratafs.protocol.storage.ReadChunkRequest;
import io.stratafs.protocol.storage.StorageStatRequest;
import io.stratafs.protocol.storage.SyncChunkRequest;
import io.stratafs.protocol.storage.TruncateChunkRequest;
import io.stratafs.protocol.storage.WriteChunkRequest;
import io.stratafs.storage.chunk.ChunkStore;
import java.net.InetSocketAddress;

/**
 * The storage daemon's RPC endpoint: one handler class per method over a {@link ChunkStore}. Every
 * call is refused with UNAVAILABLE unless the daemon's lifecycle is RUNNING.
 */
public final class StorageService implements AutoCloseable {
  private final RpcServer server;

  private StorageService(RpcServer server) {
    this.server = server;
  }

  public static StorageService start(
      String storageId, ChunkStore store, InetSocketAddress bind, LifeCycle lifeCycle) {
    RpcServer server =
        RpcServer.builder("storage-" + storageId)
            .bind(bind)
            .handler(Methods.STORAGE_WRITE, WriteChunkRequest.parser(), guarded(lifeCycle, new WriteChunkHandler(store)))
            .handler(Methods.STORAGE_READ, ReadChunkRequest.parser(), guarded(lifeCycle, new ReadChunkHandler(store)))
            .handler(
                Methods.STORAGE_TRUNCATE,
                TruncateChunkRequest.parser(),
                guarded(lifeCycle, new TruncateChunkHandler(store)))
            .handler(Methods.STORAGE_DELETE, DeleteChunkRequest.parser(), guarded(lifeCycle, new DeleteChunkHandler(store)))
            .handler(Methods.STORAGE_SYNC, SyncChunkRequest.parser(), guarded(lifeCycle, new SyncChunkHandler(store)))
            .handler(Methods.STORAGE_STAT, StorageStatRequest.parser(), guarded(lifeCycle, new StatHandler(store)))
            .build()
            .start();
    return new StorageService(server);
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

  @Override
  public void close() {
    server.close();
  }
}
