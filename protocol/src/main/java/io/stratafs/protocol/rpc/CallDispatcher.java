package io.stratafs.protocol.rpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.wire.RpcHeader;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the calls of one server: finds the method's handler, parses the request on the event loop,
 * runs the handler on its own virtual thread (handlers may block; event loops never do) and
 * writes the reply. Thread-safe: the method table is immutable.
 */
final class CallDispatcher {
  private static final Logger log = LoggerFactory.getLogger(CallDispatcher.class);

  /** Deadline of a call that carries no timeout: far enough never to arrive, safe to subtract. */
  private static final long NO_DEADLINE_NANOS = Long.MAX_VALUE >> 2;

  private final String serverName;
  private final Map<String, MethodRegistration<?>> methods;

  CallDispatcher(String serverName, Map<String, MethodRegistration<?>> methods) {
    this.serverName = serverName;
    this.methods = Map.copyOf(methods);
  }

  /**
   * Starts one call. Runs on the event loop; {@code frame} stays owned by the caller, and the
   * call keeps a retained slice of its data section until the handler returns.
   */
  void dispatch(Channel channel, RpcFrame frame) {
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
    start(channel, registration, frame);
  }

  private <Req extends Message> void start(
      Channel channel, MethodRegistration<Req> registration, RpcFrame frame) {
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
    String peer = String.valueOf(channel.remoteAddress());
    ByteBuf data = frame.data().retainedSlice();
    try {
      Thread.ofVirtual()
          .name(serverName + "-" + registration.method() + "#" + callId)
          .start(
              () ->
                  run(channel, registration, request, data, header.getEpoch(), deadlineNanos, peer, callId));
    } catch (RuntimeException | Error e) {
      data.release();
      throw e;
    }
  }

  private <Req extends Message> void run(
      Channel channel,
      MethodRegistration<Req> registration,
      Req request,
      ByteBuf data,
      long epoch,
      long deadlineNanos,
      String peer,
      long callId) {
    String method = registration.method();
    RpcReply reply;
    try {
      if (System.nanoTime() - deadlineNanos >= 0) {
        // The caller has given up: running the handler would only waste the disk or the lock.
        replyError(
            channel,
            callId,
            StatusCode.TIMED_OUT,
            method + " from " + peer + " passed its deadline before " + serverName + " could start it");
        return;
      }
      reply = registration.handle(request, data, epoch, deadlineNanos, peer);
      if (reply == null) {
        throw new NullPointerException("handler of " + method + " returned a null RpcReply");
      }
    } catch (StrataException e) {
      replyError(channel, callId, e.code(), e.getMessage());
      return;
    } catch (Throwable t) {
      log.error("{}: {} #{} from {} failed unexpectedly", serverName, method, callId, peer, t);
      replyError(channel, callId, StatusCode.INTERNAL, t.toString());
      return;
    } finally {
      data.release();
    }
    writeReply(channel, callId, method, reply);
  }

  private void writeReply(Channel channel, long callId, String method, RpcReply reply) {
    ByteBuf replyData = reply.data() == null ? Unpooled.EMPTY_BUFFER : reply.data();
    if (!channel.isActive()) {
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
    write(channel, callId, out);
  }

  /** Answers {@code callId} with an error status; safe from any thread. */
  void replyError(Channel channel, long callId, StatusCode code, String message) {
    if (!channel.isActive()) {
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
    write(channel, callId, RpcFrame.encode(channel.alloc(), header, null, Unpooled.EMPTY_BUFFER));
  }

  private void write(Channel channel, long callId, ByteBuf frame) {
    // Netty releases the frame once written, or when the write fails (e.g. the caller left).
    channel
        .writeAndFlush(frame)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess() && f.channel().isOpen()) {
                    log.warn(
                        "{}: reply to #{} for {} could not be written",
                        serverName, callId, f.channel().remoteAddress(), f.cause());
                  }
                });
  }
}
