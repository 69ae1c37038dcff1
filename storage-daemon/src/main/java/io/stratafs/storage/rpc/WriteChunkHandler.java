package io.stratafs.storage.rpc;

import io.stratafs.protocol.rpc.RpcCall;
import io.stratafs.protocol.rpc.RpcHandler;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import io.stratafs.storage.chunk.ChunkStore;

/** storage.WriteChunk: the frame's data written at the request's offset. */
final class WriteChunkHandler implements RpcHandler<WriteChunkRequest> {
  private final ChunkStore store;

  WriteChunkHandler(ChunkStore store) {
    this.store = store;
  }

  @Override
  public RpcReply handle(RpcCall<WriteChunkRequest> call) {
    WriteChunkRequest req = call.request();
    // The call's data stays valid until we return; the store writes it synchronously.
    long length = store.write(req.getChunkId(), req.getDevice(), req.getOffset(), call.data(), req.getSync());
    return RpcReply.of(WriteChunkReply.newBuilder().setChunkLength(length).build());
  }
}
