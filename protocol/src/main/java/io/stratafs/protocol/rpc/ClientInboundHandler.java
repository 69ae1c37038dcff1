package io.stratafs.protocol.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client end of one connection: matches reply frames to pending calls by call id, and fails
 * every call still pending when the connection closes. Runs on the channel's event loop.
 */
final class ClientInboundHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ClientInboundHandler.class);

  private final ClientConnection connection;
  private final int maxFrameBytes;

  ClientInboundHandler(ClientConnection connection, int maxFrameBytes) {
    this.connection = connection;
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    try {
      RpcFrame decoded = RpcFrame.decode(frame);
      if (!decoded.header().getReply()) {
        log.warn(
            "{}: closing connection to {}: the server sent a request frame ({}), not a reply",
            connection.clientName(), connection.address(), decoded.header().getMethod());
        ctx.close();
        return;
      }
      PendingCall<?> call = connection.forget(decoded.header().getCallId());
      if (call == null) {
        // Timed out or cancelled before the answer came: nobody waits for it any more.
        log.debug("{}: late reply #{} from {} dropped", connection.clientName(), decoded.header().getCallId(), connection.address());
        return;
      }
      call.onReply(decoded);
    } catch (MalformedFrameException e) {
      if (e.hasCallId()) {
        PendingCall<?> call = connection.forget(e.callId());
        if (call != null) {
          call.fail(
              new StrataException(
                  StatusCode.PROTOCOL_ERROR,
                  "malformed reply to " + call.method + " from " + connection.address() + ": " + e.getMessage()));
        }
        return;
      }
      log.warn(
          "{}: closing connection to {}: malformed reply frame: {}",
          connection.clientName(), connection.address(), e.getMessage());
      ctx.close();
    } finally {
      frame.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    connection.failAll();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      log.warn(
          "{}: closing connection to {}: reply frame larger than the {}-byte maximum ({})",
          connection.clientName(), connection.address(), maxFrameBytes, cause.getMessage());
    } else if (cause instanceof IOException) {
      log.debug("{}: connection to {} failed: {}", connection.clientName(), connection.address(), cause.toString());
    } else {
      log.warn("{}: closing connection to {} after an unexpected error", connection.clientName(), connection.address(), cause);
    }
    ctx.close();
  }
}
