package io.stratafs.storage.rpc;

import static io.stratafs.storage.external.ChunkObjectLayout.BLOCK_BYTES;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.RpcCall;
import io.stratafs.protocol.rpc.RpcHandler;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.protocol.storage.UploadChunkRequest;
import io.stratafs.storage.chunk.ChunkStore;
import io.stratafs.storage.chunk.ReadResult;
import io.stratafs.storage.external.BlobBackend;
import io.stratafs.storage.external.ChunkObjectLayout;
import io.stratafs.storage.external.ExternalTargets;

/**
 * storage.UploadChunk: the chunk's data as generation {@code generation} on an external target,
 * one object per {@link ChunkObjectLayout#BLOCK_BYTES} block (the last may be short), each read
 * verified under the chunk's shared lock, one block at a time (writes interleave between blocks;
 * the metadata server's dirty sequence catches them, docs/adr/017). The length is fixed at the
 * first block; a chunk that shrinks meanwhile ends the upload early. Replies the uploaded length.
 * A chunk this device does not hold is NOT_FOUND: uploading it as empty would replace real data.
 */
final class UploadChunkHandler implements RpcHandler<UploadChunkRequest> {
  private final ChunkStore store;
  private final ExternalTargets targets;

  UploadChunkHandler(ChunkStore store, ExternalTargets targets) {
    this.store = store;
    this.targets = targets;
  }

  @Override
  public RpcReply handle(RpcCall<UploadChunkRequest> call) {
    UploadChunkRequest req = call.request();
    long chunkId = req.getChunkId();
    BlobBackend backend = targets.backend(req.getTarget());
    if (!store.holds(chunkId, req.getDevice())) {
      throw StrataException.of(
          StatusCode.NOT_FOUND,
          "chunk %s is not on %s of storage %s: upload it from another replica",
          ChunkStore.hex(chunkId), req.getDevice().isEmpty() ? "any device" : "device " + req.getDevice(), store.storageId());
    }
    long length = -1;
    long uploaded = 0;
    for (int block = 0; length < 0 || uploaded < length; block++) {
      long offset = (long) block * BLOCK_BYTES;
      int want = length < 0 ? BLOCK_BYTES : (int) Math.min(BLOCK_BYTES, length - offset);
      try (ReadResult r = store.read(chunkId, req.getDevice(), offset, want)) {
        if (length < 0) {
          length = r.chunkLength();
          want = (int) Math.min(want, length - offset);
        }
        int n = Math.min(r.data().readableBytes(), want);
        if (n <= 0) {
          break;
        }
        backend.put(
            ChunkObjectLayout.key(chunkId, req.getGeneration(), block),
            r.data().nioBuffer(r.data().readerIndex(), n));
        uploaded += n;
        if (n < want) {
          break; // shrunk meanwhile: what is uploaded is a consistent prefix
        }
      }
    }
    return RpcReply.of(StorageReply.newBuilder().setChunkLength(uploaded).build());
  }
}
