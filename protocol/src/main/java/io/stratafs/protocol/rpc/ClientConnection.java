package io.stratafs.protocol.rpc;

import com.google.protobuf.Message;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.util.Timer;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.wire.RpcHeader;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One connection attempt from a client to one address, and the calls pending on it. Calls may be
 * sent while the connection is still being established: they go out once it is, or fail
 * UNAVAILABLE if it cannot be. When the connection closes every pending call fails UNAVAILABLE
 * and the client opens a new one for the next call. Thread-safe.
 */
final class ClientConnection {
  private final String clientName;
  private final InetSocketAddress address;
  private final int maxFrameBytes;
  private final Timer timers;
  private final Map<Long, PendingCall<?>> pending = new ConcurrentHashMap<>();
  private final ChannelFuture connected;

  private ClientConnection(
      Bootstrap template, Timer timers, String clientName, InetSocketAddress address, int maxFrameBytes) {
    this.clientName = clientName;
    this.address = address;
    this.maxFrameBytes = maxFrameBytes;
    this.timers = timers;
    this.connected =
        template
            .clone()
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast("frames", FrameDecoders.create(maxFrameBytes));
                    ch.pipeline().addLast("replies", new ClientInboundHandler(ClientConnection.this, maxFrameBytes));
                  }
                })
            .connect(address);
  }

  /** Starts connecting (asynchronously) to {@code address}. */
  static ClientConnection open(
      Bootstrap template, Timer timers, String clientName, InetSocketAddress address, int maxFrameBytes) {
    return new ClientConnection(template, timers, clientName, address, maxFrameBytes);
  }

  String clientName() {
    return clientName;
  }

  InetSocketAddress address() {
    return address;
  }

  /** Whether new calls may use this connection: still connecting, or connected and open. */
  boolean isUsable() {
    return !connected.isDone() || (connected.isSuccess() && connected.channel().isActive());
  }

  /**
   * Sends one call: registers it, arms its timeout, and writes the request once connected.
   * Takes ownership of {@code data}.
   */
  <Resp extends Message> void send(PendingCall<Resp> call, Message request, ByteBuf data, long epoch) {
    pending.put(call.callId, call);
    call.future.whenCompleteInline((r, e) -> pending.remove(call.callId)); // also covers cancellation
    // A wheel timer, not the event loop's scheduler: arming and cancelling from this thread
    // would each wake an event loop, on every call.
    call.timeoutTask(
        timers.newTimeout(
            t -> {
              if (pending.remove(call.callId, call)) {
                call.fail(call.timedOut());
              }
            },
            Math.max(0, call.remainingMillis()),
            TimeUnit.MILLISECONDS));
    if (connected.isDone()) {
      write(connected, call, request, data, epoch); // encodes here; writeAndFlush hands the frame to the loop
    } else {
      connected.addListener((ChannelFutureListener) f -> write(f, call, request, data, epoch));
    }
  }

  private void write(ChannelFuture f, PendingCall<?> call, Message request, ByteBuf data, long epoch) {
    if (!f.isSuccess()) {
      data.release();
      settle(
          call,
          new StrataException(
              StatusCode.UNAVAILABLE,
              "cannot connect to " + address + " for " + call.method + ": " + f.cause()
                  + "; the server may be down or the address wrong",
              f.cause()));
      return;
    }
    long remainingMillis = call.remainingMillis();
    if (!pending.containsKey(call.callId) || remainingMillis <= 0) {
      data.release(); // settled while connecting (timed out or cancelled)
      settle(call, call.timedOut());
      return;
    }
    RpcHeader header =
        RpcHeader.newBuilder()
            .setCallId(call.callId)
            .setMethod(call.method)
            .setTimeoutMs((int) Math.min(remainingMillis, 0xFFFF_FFFFL))
            .setEpoch(epoch)
            .build();
    Channel channel = f.channel();
    ByteBuf frame;
    try {
      frame = RpcFrame.encode(channel.alloc(), header, request, data);
    } catch (RuntimeException e) {
      settle(call, e);
      return;
    }
    long frameBytes = frame.readableBytes() - RpcFrame.LENGTH_BYTES;
    if (frameBytes > maxFrameBytes) {
      frame.release();
      settle(
          call,
          new StrataException(
              StatusCode.INVALID_ARGUMENT,
              call.method + " request of " + frameBytes + " bytes exceeds the " + maxFrameBytes
                  + "-byte frame limit; send the data in smaller pieces"));
      return;
    }
    channel
        .writeAndFlush(frame)
        .addListener(
            (ChannelFutureListener)
                w -> {
                  if (!w.isSuccess()) {
                    settle(
                        call,
                        new StrataException(
                            StatusCode.UNAVAILABLE,
                            "sending " + call.method + " to " + address + " failed: " + w.cause(),
                            w.cause()));
                  }
                });
  }

  private void settle(PendingCall<?> call, Throwable error) {
    if (pending.remove(call.callId, call)) {
      call.fail(error);
    }
  }

  /** Removes and returns the call a reply answers, or null when nobody waits for it. */
  PendingCall<?> forget(long callId) {
    return pending.remove(callId);
  }

  /** Fails every pending call: the connection is gone. */
  void failAll() {
    for (PendingCall<?> call : pending.values()) {
      settle(
          call,
          new StrataException(
              StatusCode.UNAVAILABLE,
              "connection to " + address + " closed before " + call.method
                  + " was answered; the call may or may not have run"));
    }
  }

  void close() {
    connected.channel().close();
  }
}
