package io.stratafs.storage.rpc;

import io.stratafs.protocol.rpc.RpcCall;
import io.stratafs.protocol.rpc.RpcHandler;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.protocol.storage.SyncChunkRequest;
import io.stratafs.storage.chunk.ChunkStore;

/** storage.SyncChunk: fsync of data and checksums. */
final class SyncChunkHandler implements RpcHandler<SyncChunkRequest> {
  private final ChunkStore store;

  SyncChunkHandler(ChunkStore store) {
    this.store = store;
  }

  @Override
  public RpcReply handle(RpcCall<SyncChunkRequest> call) {
    long length = store.sync(call.request().getChunkId(), call.request().getDevice());
    return RpcReply.of(StorageReply.newBuilder().setChunkLength(length).build());
  }
}
