package io.stratafs.protocol.rpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;

/** One served method: how to parse its request and who handles it. Immutable. */
record MethodRegistration<Req extends Message>(
    String method, Parser<Req> parser, RpcHandler<Req> handler) {

  /** Parses the request body (a slice of the frame; read here, not kept). */
  Req parse(ByteBuf body) throws InvalidProtocolBufferException {
    return parser.parseFrom(body.nioBuffer());
  }

  RpcReply handle(Req request, ByteBuf data, long epoch, long deadlineNanos, String peer)
      throws Exception {
    return handler.handle(new RpcCall<>(method, request, data, epoch, deadlineNanos, peer));
  }
}
