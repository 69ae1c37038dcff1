package io.stratafs.protocol.rpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.wire.RpcHeader;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the calls of one server: finds the method's handler, parses the request on the thread that
 * read it (an event loop, or a direct connection's own thread), runs a blocking handler on the
 * blocking executor or a virtual thread of its own (event loops never block) or right there on a
 * direct connection's thread, an {@link AsyncRpcHandler} right there, and sends the reply to the
 * call's {@link ReplyChannel}. Thread-safe: the method table is immutable.
 */
final class CallDispatcher {
  private static final Logger log = LoggerFactory.getLogger(CallDispatcher.class);

  /** Deadline of a call that carries no timeout: far enough never to arrive, safe to subtract. */
  private static final long NO_DEADLINE_NANOS = Long.MAX_VALUE >> 2;

  private final String serverName;
  private final Map<String, MethodRegistration<?>> methods;
  private final Executor blockingExecutor;

  /** @param blockingExecutor where blocking handlers run; null = a virtual thread per call */
  CallDispatcher(String serverName, Map<String, MethodRegistration<?>> methods, Executor blockingExecutor) {
    this.serverName = serverName;
    this.methods = Map.copyOf(methods);
    this.blockingExecutor = blockingExecutor;
  }

  /**
   * Takes one received frame (its length prefix stripped) and starts its call; a frame whose
   * header still names a call but is otherwise malformed is answered PROTOCOL_ERROR. {@code frame}
   * stays owned by the caller.
   *
   * @param inline run a blocking handler on this thread (a connection served by a thread of its
   *     own) instead of handing it to the blocking executor (an event loop, which must not block)
   * @return false when the frame is unreadable and the connection must be closed
   */
  boolean receive(ReplyChannel channel, ByteBuf frame, boolean inline) {
    try {
      dispatch(channel, RpcFrame.decode(frame), inline);
      return true;
    } catch (MalformedFrameException e) {
      if (!e.hasCallId()) {
        log.warn("{}: closing connection from {}: malformed frame: {}", serverName, channel.peer(), e.getMessage());
        return false;
      }
      log.warn(
          "{}: malformed frame from {} (call #{}): {}; answering PROTOCOL_ERROR",
          serverName, channel.peer(), e.callId(), e.getMessage());
      replyError(channel, e.callId(), StatusCode.PROTOCOL_ERROR, "malformed frame: " + e.getMessage());
      return true;
    }
  }

  /**
   * Starts one call; the call keeps a retained slice of the frame's data section until the
   * handler returns.
   */
  private void dispatch(ReplyChannel channel, RpcFrame frame, boolean inline) {
    RpcHeader header = frame.header();
    long callId = header.getCallId();
    if (header.getReply()) {
      replyError(
          channel,
          callId,
          StatusCode.PROTOCOL_ERROR,
          "server " + serverName + " received a reply frame; only requests are accepted here");
      return;
    }
    MethodRegistration<?> registration = methods.get(header.getMethod());
    if (registration == null) {
      replyError(
          channel,
          callId,
          StatusCode.NOT_IMPLEMENTED,
          "method '" + header.getMethod() + "' is not served by " + serverName
              + "; check that the caller talks to the right daemon and that versions match");
      return;
    }
    start(channel, registration, frame, inline);
  }

  private <Req extends Message> void start(
      ReplyChannel channel, MethodRegistration<Req> registration, RpcFrame frame, boolean inline) {
    RpcHeader header = frame.header();
    long callId = header.getCallId();
    long arrivedNanos = System.nanoTime();
    long deadlineNanos =
        header.getTimeoutMs() == 0
            ? arrivedNanos + NO_DEADLINE_NANOS
            : arrivedNanos + TimeUnit.MILLISECONDS.toNanos(Integer.toUnsignedLong(header.getTimeoutMs()));
    Req request;
    try {
      request = registration.parse(frame.body());
    } catch (InvalidProtocolBufferException e) {
      replyError(
          channel,
          callId,
          StatusCode.PROTOCOL_ERROR,
          "request body of " + registration.method() + " does not parse: " + e.getMessage());
      return;
    }
    String peer = channel.peer();
    ByteBuf data = frame.data().retainedSlice();
    RpcCall<Req> call = new RpcCall<>(registration.method(), request, data, header.getEpoch(), deadlineNanos, peer);
    if (registration.onEventLoop()) {
      // No thread hand-off: each one costs a wake-up, which on a small VM is most of a call.
      runOnEventLoop(channel, registration, call, callId);
      return;
    }
    if (inline) {
      run(channel, registration, call, callId);
      return;
    }
    try {
      if (blockingExecutor != null) {
        blockingExecutor.execute(() -> run(channel, registration, call, callId));
      } else {
        Thread.ofVirtual()
            .name(serverName + "-" + registration.method() + "#" + callId)
            .start(() -> run(channel, registration, call, callId));
      }
    } catch (RuntimeException | Error e) {
      data.release();
      throw e;
    }
  }

  private <Req extends Message> void run(
      ReplyChannel channel, MethodRegistration<Req> registration, RpcCall<Req> call, long callId) {
    RpcReply reply;
    try {
      if (pastDeadline(channel, call, callId)) {
        return;
      }
      reply = registration.handle(call);
    } catch (Throwable t) {
      replyFailure(channel, callId, call, t);
      return;
    } finally {
      call.data().release();
    }
    writeReply(channel, callId, call.method(), reply);
  }

  private <Req extends Message> void runOnEventLoop(
      ReplyChannel channel, MethodRegistration<Req> registration, RpcCall<Req> call, long callId) {
    CompletionStage<RpcReply> stage;
    try {
      if (pastDeadline(channel, call, callId)) {
        call.data().release();
        return;
      }
      stage = registration.handleAsync(call);
      if (stage == null) {
        throw new NullPointerException("async handler of " + call.method() + " returned a null stage");
      }
    } catch (Throwable t) {
      call.data().release();
      replyFailure(channel, callId, call, t);
      return;
    }
    stage.whenComplete(
        (reply, failure) -> {
          call.data().release();
          if (failure != null) {
            replyFailure(channel, callId, call, unwrap(failure));
          } else {
            writeReply(channel, callId, call.method(), reply);
          }
        });
  }

  /** Answers TIMED_OUT and returns true when the caller has given up (running it would only waste the disk or the lock). */
  private boolean pastDeadline(ReplyChannel channel, RpcCall<?> call, long callId) {
    if (System.nanoTime() - call.deadlineNanos() < 0) {
      return false;
    }
    replyError(
        channel,
        callId,
        StatusCode.TIMED_OUT,
        call.method() + " from " + call.peer() + " passed its deadline before " + serverName + " could start it");
    return true;
  }

  private void replyFailure(ReplyChannel channel, long callId, RpcCall<?> call, Throwable t) {
    if (t instanceof StrataException e) {
      replyError(channel, callId, e.code(), e.getMessage());
      return;
    }
    log.error("{}: {} #{} from {} failed unexpectedly", serverName, call.method(), callId, call.peer(), t);
    replyError(channel, callId, StatusCode.INTERNAL, t.toString());
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private void writeReply(ReplyChannel channel, long callId, String method, RpcReply reply) {
    if (reply == null) {
      log.error("{}: handler of {} #{} returned a null RpcReply", serverName, method, callId);
      replyError(channel, callId, StatusCode.INTERNAL, "handler of " + method + " returned a null RpcReply");
      return;
    }
    ByteBuf replyData = reply.data() == null ? Unpooled.EMPTY_BUFFER : reply.data();
    if (!channel.isOpen()) {
      replyData.release();
      log.debug("{}: {} #{} finished after its caller left; reply dropped", serverName, method, callId);
      return;
    }
    ByteBuf out;
    try {
      out =
          RpcFrame.encode(
              channel.alloc(),
              RpcHeader.newBuilder().setCallId(callId).setReply(true).build(),
              reply.body(),
              replyData);
    } catch (RuntimeException e) {
      log.error("{}: reply of {} #{} could not be encoded", serverName, method, callId, e);
      replyError(channel, callId, StatusCode.INTERNAL, e.toString());
      return;
    }
    channel.send(out, callId);
  }

  /** Answers {@code callId} with an error status; safe from any thread. */
  private void replyError(ReplyChannel channel, long callId, StatusCode code, String message) {
    if (!channel.isOpen()) {
      log.debug("{}: #{} failed with {} after its caller left: {}", serverName, callId, code, message);
      return;
    }
    RpcHeader header =
        RpcHeader.newBuilder()
            .setCallId(callId)
            .setReply(true)
            .setStatus(code.wire())
            .setMessage(message == null ? "" : message)
            .build();
    channel.send(RpcFrame.encode(channel.alloc(), header, null, Unpooled.EMPTY_BUFFER), callId);
  }
}
