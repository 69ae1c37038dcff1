package io.stratafs.storage.chunk;

import io.netty.buffer.ByteBuf;

/**
 * What a read returns: verified bytes (the caller owns and must release {@code data}) and the
 * chunk's length at the time of the read.
 */
public record ReadResult(ByteBuf data, long chunkLength) implements AutoCloseable {
  @Override
  public void close() {
    if (data.refCnt() > 0) {
      data.release();
    }
  }
}
