package io.stratafs.meta.storage;

import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.rpc.RpcResponse;
import io.stratafs.protocol.storage.ChainHop;
import io.stratafs.protocol.storage.CopyChunkRequest;
import io.stratafs.protocol.storage.DeleteChunkRequest;
import io.stratafs.protocol.storage.DeleteExternalRequest;
import io.stratafs.protocol.storage.RestoreChunkRequest;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.protocol.storage.TruncateChunkRequest;
import io.stratafs.protocol.storage.UploadChunkRequest;
import com.google.protobuf.Message;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/** {@link StorageRpc} over the RPC layer; the client is owned by the caller. */
public final class RpcStorageRpc implements StorageRpc {
  /** Whole-chunk transfers (up to 64 MiB to S3 or another daemon) get more than a small call. */
  static final Duration BULK_TIMEOUT = Duration.ofMinutes(2);

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

  @Override
  public long copy(Replica source, long chunkId, long newVersion, Replica dest) {
    Replica to = ReplicaAddresses.current(view, dest);
    CopyChunkRequest req =
        CopyChunkRequest.newBuilder()
            .setChunkId(chunkId)
            .setDevice(source.getDevice())
            .setNewVersion(newVersion)
            .setDest(ChainHop.newBuilder().setStorageId(to.getStorageId()).setAddress(to.getAddress()).setDevice(to.getDevice()))
            .build();
    return bulk(source, Methods.STORAGE_COPY, req).getChunkLength();
  }

  @Override
  public long upload(Replica source, long chunkId, String target, long generation) {
    UploadChunkRequest req =
        UploadChunkRequest.newBuilder()
            .setChunkId(chunkId)
            .setDevice(source.getDevice())
            .setTarget(target)
            .setGeneration(generation)
            .build();
    return bulk(source, Methods.STORAGE_UPLOAD, req).getChunkLength();
  }

  @Override
  public long restore(Replica dest, long chunkId, String target, long generation, long length, long version) {
    RestoreChunkRequest req =
        RestoreChunkRequest.newBuilder()
            .setChunkId(chunkId)
            .setDevice(dest.getDevice())
            .setTarget(target)
            .setGeneration(generation)
            .setLength(length)
            .setVersion(version)
            .build();
    return bulk(dest, Methods.STORAGE_RESTORE, req).getChunkLength();
  }

  @Override
  public void deleteExternal(Replica via, long chunkId, String target, long keepFrom) {
    DeleteExternalRequest req =
        DeleteExternalRequest.newBuilder().setChunkId(chunkId).setTarget(target).setKeepFrom(keepFrom).build();
    client.callSync(addressOf(via), Methods.STORAGE_DELETE_EXTERNAL, req, StorageReply.parser());
  }

  private StorageReply bulk(Replica at, String method, Message req) {
    var future = client.call(addressOf(at), method, req, Unpooled.EMPTY_BUFFER, StorageReply.parser(), BULK_TIMEOUT);
    try (RpcResponse<StorageReply> response = future.get()) {
      return response.body();
    } catch (InterruptedException e) {
      future.cancel(false);
      Thread.currentThread().interrupt();
      throw new StrataException(StatusCode.INTERRUPTED, method + " to " + at.getAddress() + " interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new StrataException(StatusCode.UNAVAILABLE, method + " to " + at.getAddress() + " failed: " + e.getCause(), e);
    }
  }
}
