package io.stratafs.protocol.rpc;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.TimeUnit;

/**
 * The Netty transport for one server or client: native epoll when the platform offers it, NIO
 * otherwise, with an event-loop group whose threads are named after their owner.
 */
final class Transport {
  /** Event-loop threads per server or client: I/O only, the work runs on virtual threads. */
  private static final int EVENT_LOOP_THREADS =
      Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  private final boolean epoll;
  private final MultiThreadIoEventLoopGroup group;

  Transport(String threadPrefix) {
    this.epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group =
        new MultiThreadIoEventLoopGroup(
            EVENT_LOOP_THREADS, new DefaultThreadFactory(threadPrefix, true), io);
  }

  /** "epoll" or "nio", for logs. */
  String kind() {
    return epoll ? "epoll" : "nio";
  }

  MultiThreadIoEventLoopGroup group() {
    return group;
  }

  Class<? extends ServerChannel> serverChannelType() {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  Class<? extends SocketChannel> socketChannelType() {
    return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /**
   * Stops the event loops with no quiet period: callers have already closed their channels, so
   * nothing is left to drain. Waits briefly so tests and daemons end without stray threads.
   */
  void shutdown() {
    var terminated = group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    // An event-loop thread must not wait for its own group to end.
    if (!(Thread.currentThread() instanceof FastThreadLocalThread)) {
      terminated.awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
  }
}
