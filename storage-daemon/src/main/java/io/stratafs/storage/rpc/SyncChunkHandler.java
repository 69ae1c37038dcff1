package io.stratafs.storage.rpc;

import io.netty.buffer.Unpooled;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcCall;
import io.stratafs.protocol.rpc.RpcHandler;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.protocol.storage.SyncChunkRequest;
import io.stratafs.storage.chunk.ChunkStore;

/**
 * storage.SyncChunk: fsync of data and checksums, forwarded down the chain like a write; hops
 * that did not sync (including NOT_FOUND: they lost the chunk) are in {@code failed}.
 */
final class SyncChunkHandler implements RpcHandler<SyncChunkRequest> {
  private final ChunkStore store;
  private final ChainForwarder forwarder;

  SyncChunkHandler(ChunkStore store, ChainForwarder forwarder) {
    this.store = store;
    this.forwarder = forwarder;
  }

  @Override
  public RpcReply handle(RpcCall<SyncChunkRequest> call) {
    SyncChunkRequest req = call.request();
    store.checkIncarnation(req.getChunkId(), req.getDevice(), req.getIncarnation());
    ChainForwarder.Pending<StorageReply> next = null;
    if (req.getDownstreamCount() > 0) {
      SyncChunkRequest forwarded =
          req.toBuilder()
              .setDevice(req.getDownstream(0).getDevice())
              .setIncarnation(req.getDownstream(0).getIncarnation())
              .clearDownstream()
              .addAllDownstream(ChainForwarder.rest(req.getDownstreamList()))
              .build();
      next =
          forwarder.forward(
              req.getDownstreamList(), Methods.STORAGE_SYNC, forwarded, Unpooled.EMPTY_BUFFER,
              StorageReply.parser(), call.deadlineNanos());
    }
    ChainForwarder.Outcome done =
        forwarder.alongside(next, StorageReply::getFailedList, () -> store.sync(req.getChunkId(), req.getDevice()));
    return RpcReply.of(StorageReply.newBuilder().setChunkLength(done.chunkLength()).addAllFailed(done.failed()).build());
  }
}
