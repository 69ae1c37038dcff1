package io.stratafs.protocol.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Replies written through a Netty channel's event loop. */
record NettyReplyChannel(String serverName, Channel channel) implements ReplyChannel {
  private static final Logger log = LoggerFactory.getLogger(NettyReplyChannel.class);

  @Override
  public boolean isOpen() {
    return channel.isActive();
  }

  @Override
  public ByteBufAllocator alloc() {
    return channel.alloc();
  }

  @Override
  public void send(ByteBuf frame, long callId) {
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

  @Override
  public String peer() {
    return String.valueOf(channel.remoteAddress());
  }

  @Override
  public void close() {
    channel.close();
  }
}
