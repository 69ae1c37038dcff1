package io.stratafs.storage.rpc;

import static io.stratafs.storage.external.ChunkObjectLayout.BLOCK_BYTES;

import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.RpcCall;
import io.stratafs.protocol.rpc.RpcHandler;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.storage.RestoreChunkRequest;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.storage.chunk.ChunkStore;
import io.stratafs.storage.external.BlobBackend;
import io.stratafs.storage.external.ChunkObjectLayout;
import io.stratafs.storage.external.ExternalTargets;
import java.nio.ByteBuffer;

/**
 * storage.RestoreChunk: re-creates the local replica from an external generation. The version is
 * checked first (STALE_VERSION if this replica has seen a higher one, so a live replica is never
 * wiped by an old request) and adopted; then the chunk is emptied, every block fetched (verified
 * by its CRC trailer) and written at {@code version}, and the chunk fsynced. A block shorter than
 * {@code length} implies is CORRUPT. Replies the restored length.
 */
final class RestoreChunkHandler implements RpcHandler<RestoreChunkRequest> {
  private final ChunkStore store;
  private final ExternalTargets targets;

  RestoreChunkHandler(ChunkStore store, ExternalTargets targets) {
    this.store = store;
    this.targets = targets;
  }

  @Override
  public RpcReply handle(RpcCall<RestoreChunkRequest> call) {
    RestoreChunkRequest req = call.request();
    long chunkId = req.getChunkId();
    String device = req.getDevice();
    long version = req.getVersion();
    long length = req.getLength();
    BlobBackend backend = targets.backend(req.getTarget());
    if (store.holds(chunkId, device)) {
      store.adoptVersion(chunkId, device, version);
      store.truncate(chunkId, device, 0, false);
    } else {
      // Create it first so an unnamed device resolves to where the chunk now is.
      store.truncate(chunkId, device, 0, false);
      store.adoptVersion(chunkId, device, version);
    }
    for (long offset = 0; offset < length; offset += BLOCK_BYTES) {
      int block = (int) (offset / BLOCK_BYTES);
      int want = (int) Math.min(BLOCK_BYTES, length - offset);
      String key = ChunkObjectLayout.key(chunkId, req.getGeneration(), block);
      ByteBuffer data = backend.get(key);
      if (data.remaining() < want) {
        throw StrataException.of(
            StatusCode.CORRUPT,
            "object %s in %s has %d bytes; generation %d of chunk %s is %d bytes long, so it needs %d",
            key, backend.describe(), data.remaining(), req.getGeneration(), ChunkStore.hex(chunkId), length, want);
      }
      store.write(chunkId, device, offset, Unpooled.wrappedBuffer(data.slice(data.position(), want)), false, version);
    }
    long restored = store.sync(chunkId, device);
    return RpcReply.of(StorageReply.newBuilder().setChunkLength(restored).build());
  }
}
