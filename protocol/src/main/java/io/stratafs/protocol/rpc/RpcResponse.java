package io.stratafs.protocol.rpc;

import com.google.protobuf.Message;
import io.netty.buffer.ByteBuf;

/**
 * A successful reply on the client side. The caller owns {@code data} and must {@link #close()}
 * the response (or release data) when done with it.
 */
public record RpcResponse<Resp extends Message>(Resp body, ByteBuf data) implements AutoCloseable {
  @Override
  public void close() {
    if (data.refCnt() > 0) {
      data.release();
    }
  }
}
