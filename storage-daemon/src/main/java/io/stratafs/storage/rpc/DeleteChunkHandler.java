package io.stratafs.storage.rpc;

import io.stratafs.protocol.rpc.RpcCall;
import io.stratafs.protocol.rpc.RpcHandler;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.storage.DeleteChunkRequest;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.storage.chunk.ChunkStore;

/** storage.DeleteChunk: idempotent; replies chunk_length 0. */
final class DeleteChunkHandler implements RpcHandler<DeleteChunkRequest> {
  private final ChunkStore store;

  DeleteChunkHandler(ChunkStore store) {
    this.store = store;
  }

  @Override
  public RpcReply handle(RpcCall<DeleteChunkRequest> call) {
    store.delete(call.request().getChunkId(), call.request().getDevice());
    return RpcReply.of(StorageReply.newBuilder().setChunkLength(0).build());
  }
}
