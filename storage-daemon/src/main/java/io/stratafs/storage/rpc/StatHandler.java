package io.stratafs.storage.rpc;

import io.stratafs.protocol.rpc.RpcCall;
import io.stratafs.protocol.rpc.RpcHandler;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.storage.StorageStatReply;
import io.stratafs.protocol.storage.StorageStatRequest;
import io.stratafs.storage.chunk.ChunkStore;

/** storage.Stat: the daemon's devices with fresh capacity numbers. */
final class StatHandler implements RpcHandler<StorageStatRequest> {
  private final ChunkStore store;

  StatHandler(ChunkStore store) {
    this.store = store;
  }

  @Override
  public RpcReply handle(RpcCall<StorageStatRequest> call) {
    return RpcReply.of(
        StorageStatReply.newBuilder()
            .setStorageId(store.storageId())
            .addAllDevices(WireStats.toProto(store.usage()))
            .build());
  }
}
