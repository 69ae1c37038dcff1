package io.stratafs.storage.rpc;

import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcCall;
import io.stratafs.protocol.rpc.RpcHandler;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import io.stratafs.storage.chunk.ChunkStore;

/**
 * storage.WriteChunk: the frame's data written at the request's offset, checked against the
 * chunk's version, and forwarded down the chain ({@link ChainForwarder}) at the same time. The
 * reply waits for both; downstream failures are in {@code failed}, a local failure (or a stale
 * version anywhere in the chain) fails the call.
 */
final class WriteChunkHandler implements RpcHandler<WriteChunkRequest> {
  private final ChunkStore store;
  private final ChainForwarder forwarder;

  WriteChunkHandler(ChunkStore store, ChainForwarder forwarder) {
    this.store = store;
    this.forwarder = forwarder;
  }

  @Override
  public RpcReply handle(RpcCall<WriteChunkRequest> call) {
    WriteChunkRequest req = call.request();
    store.checkIncarnation(req.getChunkId(), req.getDevice(), req.getIncarnation());
    ChainForwarder.Pending<WriteChunkReply> next = null;
    if (req.getDownstreamCount() > 0) {
      WriteChunkRequest forwarded =
          req.toBuilder()
              .setDevice(req.getDownstream(0).getDevice())
              .setIncarnation(req.getDownstream(0).getIncarnation())
              .clearDownstream()
              .addAllDownstream(ChainForwarder.rest(req.getDownstreamList()))
              .build();
      // Own reference and indices for the forward: the RPC layer releases call.data() when we return.
      next =
          forwarder.forward(
              req.getDownstreamList(), Methods.STORAGE_WRITE, forwarded, call.data().retainedDuplicate(),
              WriteChunkReply.parser(), call.deadlineNanos());
    }
    ChainForwarder.Outcome done =
        forwarder.alongside(
            next,
            WriteChunkReply::getFailedList,
            () -> store.write(req.getChunkId(), req.getDevice(), req.getOffset(), call.data(), req.getSync(), req.getVersion()));
    return RpcReply.of(WriteChunkReply.newBuilder().setChunkLength(done.chunkLength()).addAllFailed(done.failed()).build());
  }
}
