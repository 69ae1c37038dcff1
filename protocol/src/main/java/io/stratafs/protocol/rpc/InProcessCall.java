package io.stratafs.protocol.rpc;

import com.google.protobuf.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.wire.RpcHeader;
import java.util.concurrent.TimeUnit;

/**
 * One asynchronous {@link RpcClient} call to a server in this JVM (ADR 035): the request frame
 * goes to the server's {@link CallDispatcher}, which runs a blocking handler on the server's own
 * threads as for a call read off a socket, and the reply frame comes back here and settles the
 * call. No socket, no event loop and no copy: the caller's data buffer (whose ownership passes to
 * the client, as for a socket) is the handler's data, held until the handler returns. Same
 * timeouts, errors and frame limits as over a connection; the reply side is safe from any thread.
 */
final class InProcessCall implements ReplyChannel {
  private static final ByteBufAllocator MEMORY = PooledByteBufAllocator.DEFAULT;

  private final InProcessEndpoint endpoint;
  private final PendingCall<?> call;

  private InProcessCall(InProcessEndpoint endpoint, PendingCall<?> call) {
    this.endpoint = endpoint;
    this.call = call;
  }

  /**
   * Starts {@code call} on {@code endpoint}'s server; takes ownership of {@code data}. The
   * outcome arrives on {@code call}'s future.
   */
  static void start(
      InProcessEndpoint endpoint, PendingCall<?> call, Message request, ByteBuf data, long epoch, int maxFrameBytes) {
    InProcessCall c = new InProcessCall(endpoint, call);
    ByteBuf frame;
    try {
      RpcHeader header =
          RpcHeader.newBuilder()
              .setCallId(call.callId)
              .setMethod(call.method)
              .setTimeoutMs((int) Math.min(Math.max(1, call.remainingMillis()), 0xFFFF_FFFFL))
              .setEpoch(epoch)
              .build();
      frame = RpcFrame.encode(MEMORY, header, request, data); // releases data when it fails
    } catch (RuntimeException e) {
      call.fail(e);
      return;
    }
    try {
      int length = frame.readableBytes() - RpcFrame.LENGTH_BYTES;
      int limit = Math.min(maxFrameBytes, endpoint.maxFrameBytes());
      if (length > limit) {
        call.fail(
            new StrataException(
                StatusCode.INVALID_ARGUMENT,
                call.method + " request of " + length + " bytes exceeds the " + limit
                    + "-byte frame limit; send the data in smaller pieces"));
        return;
      }
      if (call.remainingMillis() <= 0) {
        call.fail(call.timedOut());
        return;
      }
      c.armTimeout();
      endpoint.track(c);
      if (!endpoint.isOpen()) { // after track: either close() fails it or this does
        c.fail(unavailable(endpoint, call));
        return;
      }
      if (!endpoint.dispatcher().receive(c, frame.slice(frame.readerIndex() + RpcFrame.LENGTH_BYTES, length), false)) {
        c.fail(new StrataException(StatusCode.PROTOCOL_ERROR, endpoint.serverName() + " could not read the request frame of " + call.method));
      }
    } catch (RuntimeException e) { // the server's executor refused the call: it is stopping
      c.fail(new StrataException(StatusCode.UNAVAILABLE, endpoint.serverName() + " could not take " + call.method + ": " + e, e));
    } finally {
      frame.release(); // the dispatcher keeps a reference to the data for as long as the handler runs
    }
  }

  private void armTimeout() {
    call.timeoutTask(
        CallTimeouts.TIMER.newTimeout(t -> fail(call.timedOut()), Math.max(0, call.remainingMillis()), TimeUnit.MILLISECONDS));
  }

  /** Fails the call; a no-op when it is settled already (the reply, a timeout or the server stopping won). */
  void fail(Throwable error) {
    endpoint.untrack(this);
    call.fail(error);
  }

  static StrataException unavailable(InProcessEndpoint endpoint, PendingCall<?> call) {
    return new StrataException(
        StatusCode.UNAVAILABLE,
        endpoint.serverName() + " stopped before answering " + call.method + "; the call may or may not have run");
  }

  @Override
  public boolean isOpen() {
    return !call.future.isDone(); // a caller that timed out or cancelled is gone
  }

  @Override
  public ByteBufAllocator alloc() {
    return MEMORY;
  }

  @Override
  public void send(ByteBuf frame, long callId) {
    endpoint.untrack(this);
    try {
      RpcFrame reply = RpcFrame.decode(frame.slice(frame.readerIndex() + RpcFrame.LENGTH_BYTES, frame.readableBytes() - RpcFrame.LENGTH_BYTES));
      call.onReply(reply); // keeps a retained slice of the data; a settled call drops it
    } catch (MalformedFrameException e) {
      call.fail(new StrataException(StatusCode.PROTOCOL_ERROR, "reply of " + call.method + " from " + endpoint.serverName() + " is malformed: " + e.getMessage(), e));
    } finally {
      frame.release();
    }
  }

  @Override
  public String peer() {
    return "this process (in-process)";
  }

  @Override
  public void close() {
    fail(unavailable(endpoint, call));
  }
}
