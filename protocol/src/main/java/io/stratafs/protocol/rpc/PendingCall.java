package io.stratafs.protocol.rpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.netty.util.Timeout;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One call the client is waiting on. Whoever removes it from its connection's pending map (the
 * reply, the timeout, the disconnect or a send failure) settles it, exactly once, completing the
 * {@link RpcFuture} right there (usually the event loop): a waiting thread wakes at once, and
 * callers' continuations still run on {@code callbacks} (virtual threads), never on an event loop.
 */
final class PendingCall<Resp extends Message> {
  final long callId;
  final String method;
  final InetSocketAddress address;
  private final Parser<Resp> replyParser;
  private final long timeoutMillis;
  private final long deadlineNanos;
  final RpcFuture<RpcResponse<Resp>> future;
  private volatile Timeout timeoutTask;

  PendingCall(
      long callId,
      String method,
      InetSocketAddress address,
      Parser<Resp> replyParser,
      long timeoutMillis,
      Executor callbacks) {
    this.callId = callId;
    this.method = method;
    this.address = address;
    this.replyParser = replyParser;
    this.timeoutMillis = timeoutMillis;
    this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    this.future = new RpcFuture<>(callbacks);
  }

  void timeoutTask(Timeout task) {
    this.timeoutTask = task;
  }

  /** Milliseconds left before the caller gives up, for the request header. */
  long remainingMillis() {
    return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
  }

  StrataException timedOut() {
    return new StrataException(
        StatusCode.TIMED_OUT,
        method + " to " + address + " timed out after " + timeoutMillis
            + " ms; the server may be overloaded or unreachable, retry or raise the timeout");
  }

  /** Settles the call with a reply frame (read on the event loop; not kept). */
  void onReply(RpcFrame frame) {
    int status = frame.header().getStatus();
    if (status != StatusCode.OK.wire()) {
      fail(new StrataException(StatusCode.fromWire(status), frame.header().getMessage()));
      return;
    }
    Resp body;
    try {
      body = replyParser.parseFrom(frame.body().nioBuffer());
    } catch (InvalidProtocolBufferException e) {
      fail(
          new StrataException(
              StatusCode.PROTOCOL_ERROR,
              "reply of " + method + " from " + address + " does not parse: " + e.getMessage()
                  + "; client and server versions may not match",
              e));
      return;
    }
    RpcResponse<Resp> response = new RpcResponse<>(body, frame.data().retainedSlice());
    cancelTimeout();
    if (!future.complete(response)) {
      response.close(); // the caller cancelled meanwhile: nobody will release the data
    }
  }

  void fail(Throwable error) {
    cancelTimeout();
    future.completeExceptionally(error);
  }

  private void cancelTimeout() {
    Timeout task = timeoutTask;
    if (task != null) {
      task.cancel();
    }
  }
}
