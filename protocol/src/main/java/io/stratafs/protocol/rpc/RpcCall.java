package io.stratafs.protocol.rpc;

import com.google.protobuf.Message;
import io.netty.buffer.ByteBuf;

/**
 * One incoming request. {@code data} is the frame's bulk section (empty buffer when none); it is
 * valid until the handler returns, after which the RPC layer releases it: retain it to keep it.
 *
 * @param deadlineNanos {@link System#nanoTime()} after which the caller has given up
 * @param epoch the leader epoch the caller believes in (0 = not checked)
 * @param peer the remote address, for logs
 */
public record RpcCall<Req extends Message>(
    String method, Req request, ByteBuf data, long epoch, long deadlineNanos, String peer) {}
