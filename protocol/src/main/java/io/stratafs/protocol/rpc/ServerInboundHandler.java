package io.stratafs.protocol.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server end of every Netty connection: tracks open connections, hands each frame to the
 * {@link CallDispatcher}, and closes a connection that sends garbage (a frame whose header still
 * names a call gets a PROTOCOL_ERROR reply instead) or an oversized frame, alone. Shared by
 * all connections of a server; state is the thread-safe {@code connections} set.
 */
@ChannelHandler.Sharable
final class ServerInboundHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ServerInboundHandler.class);

  private final String serverName;
  private final int maxFrameBytes;
  private final CallDispatcher dispatcher;
  private final Set<Channel> connections;

  ServerInboundHandler(
      String serverName, int maxFrameBytes, CallDispatcher dispatcher, Set<Channel> connections) {
    this.serverName = serverName;
    this.maxFrameBytes = maxFrameBytes;
    this.dispatcher = dispatcher;
    this.connections = connections;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    connections.add(ctx.channel());
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    connections.remove(ctx.channel());
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    try {
      if (!dispatcher.receive(new NettyReplyChannel(serverName, ctx.channel()), frame, false)) {
        ctx.close();
      }
    } finally {
      frame.release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Object peer = ctx.channel().remoteAddress();
    if (cause instanceof TooLongFrameException) {
      log.warn(
          "{}: closing connection from {}: frame larger than the {}-byte maximum ({})",
          serverName, peer, maxFrameBytes, cause.getMessage());
    } else if (cause instanceof IOException) {
      log.debug("{}: connection from {} failed: {}", serverName, peer, cause.toString());
    } else {
      log.warn("{}: closing connection from {} after an unexpected error", serverName, peer, cause);
    }
    ctx.close();
  }
}
