package io.stratafs.protocol.rpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionStage;

/**
 * One served method: how to parse its request and who handles it, either a blocking handler (run
 * on a virtual thread of its own) or an event-loop one ({@code async}). Exactly one is set.
 */
record MethodRegistration<Req extends Message>(
    String method, Parser<Req> parser, RpcHandler<Req> blocking, AsyncRpcHandler<Req> async) {

  MethodRegistration {
    if ((blocking == null) == (async == null)) {
      throw new IllegalArgumentException("method " + method + " needs exactly one handler");
    }
  }

  /** Parses the request body (a slice of the frame; read here, not kept). */
  Req parse(ByteBuf body) throws InvalidProtocolBufferException {
    return parser.parseFrom(body.nioBuffer());
  }

  boolean onEventLoop() {
    return async != null;
  }

  RpcReply handle(RpcCall<Req> call) throws Exception {
    return blocking.handle(call);
  }

  CompletionStage<RpcReply> handleAsync(RpcCall<Req> call) throws Exception {
    return async.handle(call);
  }
}
