package io.stratafs.storage.rpc;

import io.stratafs.protocol.rpc.RpcCall;
import io.stratafs.protocol.rpc.RpcHandler;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.storage.DeleteExternalRequest;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.storage.external.BlobBackend;
import io.stratafs.storage.external.ChunkVersionGc;
import io.stratafs.storage.external.ExternalTargets;

/**
 * storage.DeleteExternal: removes the chunk's external generations below {@code keep_from} (all
 * of them for 0); newer ones stay (an upload in flight). Idempotent; replies chunk_length 0.
 */
final class DeleteExternalHandler implements RpcHandler<DeleteExternalRequest> {
  private final ExternalTargets targets;

  DeleteExternalHandler(ExternalTargets targets) {
    this.targets = targets;
  }

  @Override
  public RpcReply handle(RpcCall<DeleteExternalRequest> call) {
    DeleteExternalRequest req = call.request();
    BlobBackend backend = targets.backend(req.getTarget());
    if (req.getKeepFrom() == 0) {
      ChunkVersionGc.deleteAllVersions(backend, req.getChunkId());
    } else {
      ChunkVersionGc.deleteOlderVersions(backend, req.getChunkId(), req.getKeepFrom());
    }
    return RpcReply.of(StorageReply.newBuilder().setChunkLength(0).build());
  }
}
