package io.stratafs.protocol.rpc;

import com.google.protobuf.Message;
import java.util.concurrent.CompletionStage;

/**
 * Serves one method on the Netty event loop that received the call, without a thread hand-off:
 * for calls that answer from memory or hand their work to a queue of their own (the metadata
 * journal) and complete the stage from there. It must not block: a disk wait or a lock wait here
 * stalls every connection on that event loop; such work belongs in an {@link RpcHandler}. The
 * reply is written when the stage completes, from whichever thread completes it; a stage that
 * fails with a {@link io.stratafs.common.StrataException} answers its status, anything else
 * INTERNAL. The call's {@code data} stays valid until the stage completes.
 */
@FunctionalInterface
public interface AsyncRpcHandler<Req extends Message> {
  CompletionStage<RpcReply> handle(RpcCall<Req> call) throws Exception;
}
