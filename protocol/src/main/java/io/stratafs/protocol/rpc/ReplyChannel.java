package io.stratafs.protocol.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Where a server sends the replies to one connection's calls: a Netty channel ({@link
 * NettyReplyChannel}) or a socket served by a thread of its own ({@link DirectListener}). Safe to
 * use from any thread.
 */
interface ReplyChannel {
  /** Whether the caller is still connected; a reply to a closed channel is dropped. */
  boolean isOpen();

  ByteBufAllocator alloc();

  /** Sends a whole encoded frame; takes ownership of it (released once written, or on failure). */
  void send(ByteBuf frame, long callId);

  /** The remote address, for logs. */
  String peer();

  /** Closes the connection (after a frame that cannot be answered). */
  void close();
}
