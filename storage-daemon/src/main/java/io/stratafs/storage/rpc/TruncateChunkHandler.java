package io.stratafs.storage.rpc;

import io.stratafs.protocol.rpc.RpcCall;
import io.stratafs.protocol.rpc.RpcHandler;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.protocol.storage.TruncateChunkRequest;
import io.stratafs.storage.chunk.ChunkStore;

/** storage.TruncateChunk. */
final class TruncateChunkHandler implements RpcHandler<TruncateChunkRequest> {
  private final ChunkStore store;

  TruncateChunkHandler(ChunkStore store) {
    this.store = store;
  }

  @Override
  public RpcReply handle(RpcCall<TruncateChunkRequest> call) {
    TruncateChunkRequest req = call.request();
    long length = store.truncate(req.getChunkId(), req.getDevice(), req.getLength(), req.getSync());
    return RpcReply.of(StorageReply.newBuilder().setChunkLength(length).build());
  }
}
