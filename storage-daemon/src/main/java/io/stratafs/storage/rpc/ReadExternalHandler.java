package io.stratafs.storage.rpc;

import static io.stratafs.storage.external.ChunkObjectLayout.BLOCK_BYTES;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.RpcCall;
import io.stratafs.protocol.rpc.RpcHandler;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.storage.ReadChunkReply;
import io.stratafs.protocol.storage.ReadExternalRequest;
import io.stratafs.storage.chunk.ChunkStore;
import io.stratafs.storage.external.BlobBackend;
import io.stratafs.storage.external.ChunkObjectLayout;
import io.stratafs.storage.external.ExternalTargets;
import java.nio.ByteBuffer;

/**
 * storage.ReadExternal: bytes of an external generation through this daemon (clients hold no
 * backend credentials). Fetches only the blocks covering the range, each verified whole by its CRC
 * trailer. Like ReadChunk: up to {@code read_length} bytes at {@code offset}, short only at
 * {@code length}; at most {@link ReadChunkHandler#MAX_READ_BYTES} per call.
 */
final class ReadExternalHandler implements RpcHandler<ReadExternalRequest> {
  private final ExternalTargets targets;

  ReadExternalHandler(ExternalTargets targets) {
    this.targets = targets;
  }

  @Override
  public RpcReply handle(RpcCall<ReadExternalRequest> call) {
    ReadExternalRequest req = call.request();
    long readLength = Integer.toUnsignedLong(req.getReadLength());
    if (readLength > ReadChunkHandler.MAX_READ_BYTES) {
      throw StrataException.of(
          StatusCode.INVALID_ARGUMENT,
          "read of %d bytes from external chunk %s exceeds %d bytes per call: split it",
          readLength, ChunkStore.hex(req.getChunkId()), ReadChunkHandler.MAX_READ_BYTES);
    }
    BlobBackend backend = targets.backend(req.getTarget());
    long length = req.getLength();
    long offset = req.getOffset();
    long end = Math.min(length, offset + readLength);
    int n = (int) Math.max(0, end - offset);
    ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(n, n);
    boolean ok = false;
    try {
      long pos = offset;
      while (pos < end) {
        int block = (int) (pos / BLOCK_BYTES);
        long blockStart = (long) block * BLOCK_BYTES;
        int want = (int) (Math.min(end, blockStart + BLOCK_BYTES) - pos);
        String key = ChunkObjectLayout.key(req.getChunkId(), req.getGeneration(), block);
        ByteBuffer part = backend.get(key, pos - blockStart, want);
        if (part.remaining() < want) {
          throw StrataException.of(
              StatusCode.CORRUPT,
              "object %s in %s ends %d bytes short of the %d bytes generation %d of chunk %s has",
              key, backend.describe(), want - part.remaining(), length, req.getGeneration(), ChunkStore.hex(req.getChunkId()));
        }
        out.writeBytes(part);
        pos += want;
      }
      ok = true;
    } finally {
      if (!ok) {
        out.release();
      }
    }
    return RpcReply.of(ReadChunkReply.newBuilder().setLength(n).setChunkLength(length).build(), out);
  }
}
