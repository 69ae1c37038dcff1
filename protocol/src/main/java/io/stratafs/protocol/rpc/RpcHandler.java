package io.stratafs.protocol.rpc;

import com.google.protobuf.Message;

/**
 * Serves one method. Runs on a virtual thread, never on a Netty event loop, so it may block on
 * disk or on RocksDB. Throw a {@link io.stratafs.common.StrataException} to answer with a precise
 * status; any other throwable is answered as INTERNAL and logged with its stack trace.
 */
@FunctionalInterface
public interface RpcHandler<Req extends Message> {
  RpcReply handle(RpcCall<Req> call) throws Exception;
}
