package io.stratafs.meta.storage;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.storage.DeleteChunkRequest;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.protocol.storage.TruncateChunkRequest;

/** {@link StorageRpc} over the RPC layer; the client is owned by the caller. */
public final class RpcStorageRpc implements StorageRpc {
  private final RpcClient client;
  private final StorageView view;

  public RpcStorageRpc(RpcClient client, StorageView view) {
    this.client = client;
    this.view = view;
  }

  private java.net.InetSocketAddress addressOf(Replica replica) {
    return RpcClient.parseAddress(ReplicaAddresses.current(view, replica).getAddress());
  }

  @Override
  public void delete(Replica replica, long chunkId) {
    DeleteChunkRequest req =
        DeleteChunkRequest.newBuilder().setChunkId(chunkId).setDevice(replica.getDevice()).build();
    try {
      client.callSync(
          addressOf(replica), Methods.STORAGE_DELETE, req, StorageReply.parser());
    } catch (StrataException e) {
      if (e.code() != StatusCode.NOT_FOUND) {
        throw e;
      }
    }
  }

  @Override
  public void truncate(Replica replica, long chunkId, long length) {
    TruncateChunkRequest req =
        TruncateChunkRequest.newBuilder()
            .setChunkId(chunkId)
            .setDevice(replica.getDevice())
            .setLength(length)
            .setSync(true)
            .build();
    try {
      client.callSync(
          addressOf(replica), Methods.STORAGE_TRUNCATE, req, StorageReply.parser());
    } catch (StrataException e) {
      if (e.code() != StatusCode.NOT_FOUND) { // never written: nothing to cut
        throw e;
      }
    }
  }
}
