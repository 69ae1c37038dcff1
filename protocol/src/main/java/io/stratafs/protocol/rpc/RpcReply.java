package io.stratafs.protocol.rpc;

import com.google.protobuf.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * What a handler answers: a reply message and optional bulk data. The RPC layer takes ownership
 * of {@code data} (releases it after writing it to the socket).
 */
public record RpcReply(Message body, ByteBuf data) {
  public static RpcReply of(Message body) {
    return new RpcReply(body, Unpooled.EMPTY_BUFFER);
  }

  public static RpcReply of(Message body, ByteBuf data) {
    return new RpcReply(body, data);
  }
}
