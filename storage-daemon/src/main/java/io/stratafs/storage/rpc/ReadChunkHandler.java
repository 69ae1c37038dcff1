package io.stratafs.storage.rpc;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.RpcCall;
import io.stratafs.protocol.rpc.RpcHandler;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.storage.ReadChunkReply;
import io.stratafs.protocol.storage.ReadChunkRequest;
import io.stratafs.storage.chunk.ChunkStore;
import io.stratafs.storage.chunk.ReadResult;

/** storage.ReadChunk: verified bytes as the reply's data (ownership passes to the RPC layer). */
final class ReadChunkHandler implements RpcHandler<ReadChunkRequest> {
  /** Largest read per call: the reply must fit the RPC layer's 16 MiB frames with room to spare. */
  static final int MAX_READ_BYTES = 8 << 20;

  private final ChunkStore store;

  ReadChunkHandler(ChunkStore store) {
    this.store = store;
  }

  @Override
  public RpcReply handle(RpcCall<ReadChunkRequest> call) {
    ReadChunkRequest req = call.request();
    store.checkIncarnation(req.getChunkId(), req.getDevice(), req.getIncarnation());
    long length = Integer.toUnsignedLong(req.getLength());
    if (length > MAX_READ_BYTES) {
      throw StrataException.of(
          StatusCode.INVALID_ARGUMENT,
          "read of %d bytes from chunk %s exceeds %d bytes per call: split it",
          length, ChunkStore.hex(req.getChunkId()), MAX_READ_BYTES);
    }
    ReadResult r = store.read(req.getChunkId(), req.getDevice(), req.getOffset(), req.getLength());
    ReadChunkReply reply =
        ReadChunkReply.newBuilder()
            .setLength(r.data().readableBytes())
            .setChunkLength(r.chunkLength())
            .build();
    return RpcReply.of(reply, r.data());
  }
}
