package io.stratafs.protocol.rpc;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.stratafs.common.LifeCycle;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Netty server for one daemon. Register handlers, then {@link #start()}.
 *
 * <pre>{@code
 * RpcServer server = RpcServer.builder("storage-1")
 *     .bind(new InetSocketAddress("127.0.0.1", 0))
 *     .handler(Methods.STORAGE_READ, ReadChunkRequest.parser(), call -> ...)
 *     .build()
 *     .start();
 * int port = server.port();
 * }</pre>
 *
 * <p>Each handler runs on its own virtual thread. Unknown methods are answered NOT_IMPLEMENTED,
 * unparsable requests PROTOCOL_ERROR, calls past their deadline TIMED_OUT; a connection that
 * sends an oversized or unreadable frame is closed without disturbing the others. Thread-safe.
 */
public final class RpcServer implements AutoCloseable {
  /** Default largest frame accepted: 1 MiB write + headers, with room to spare. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;

  private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

  private final String name;
  private final InetSocketAddress bindAddress;
  private final int maxFrameBytes;
  private final CallDispatcher dispatcher;
  private final LifeCycle lifeCycle;
  private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
  private volatile Transport transport;
  private volatile Channel serverChannel;

  private RpcServer(Builder builder) {
    this.name = builder.name;
    this.bindAddress = builder.bindAddress;
    this.maxFrameBytes = builder.maxFrameBytes;
    this.dispatcher = new CallDispatcher(name, builder.methods);
    this.lifeCycle = new LifeCycle("rpc-server " + name);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Binds and starts serving; returns this. Throws UNAVAILABLE when the address cannot be bound
   * (e.g. the port is taken).
   */
  public RpcServer start() {
    lifeCycle.transition(LifeCycle.State.STARTING);
    Transport t = new Transport("rpc-server-" + name);
    transport = t;
    ServerInboundHandler inbound = new ServerInboundHandler(name, maxFrameBytes, dispatcher, connections);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(t.group())
            .channel(t.serverChannelType())
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast("frames", FrameDecoders.create(maxFrameBytes));
                    ch.pipeline().addLast("calls", inbound);
                  }
                });
    var bound = bootstrap.bind(bindAddress).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      lifeCycle.transition(LifeCycle.State.FAILED);
      t.shutdown();
      throw new StrataException(
          StatusCode.UNAVAILABLE,
          "RPC server " + name + " cannot listen on " + bindAddress + ": " + bound.cause()
              + "; choose a free port or stop the process that holds it",
          bound.cause());
    }
    serverChannel = bound.channel();
    lifeCycle.transition(LifeCycle.State.RUNNING);
    log.info("{}: serving RPC on {} ({})", name, serverChannel.localAddress(), t.kind());
    return this;
  }

  /** The bound port (useful after binding port 0). */
  public int port() {
    return address().getPort();
  }

  public InetSocketAddress address() {
    Channel ch = serverChannel;
    if (ch == null) {
      throw new IllegalStateException("RPC server " + name + " is " + lifeCycle.state() + ", not bound");
    }
    return (InetSocketAddress) ch.localAddress();
  }

  /** How many client connections are open right now (for tests and metrics). */
  public int openConnections() {
    return connections.size();
  }

  /** The server's state: NEW, RUNNING, CLOSED... */
  public LifeCycle.State state() {
    return lifeCycle.state();
  }

  /**
   * Stops listening and closes every connection. Handlers still running finish on their virtual
   * threads; their replies are dropped. Idempotent.
   */
  @Override
  public void close() {
    LifeCycle.State s = lifeCycle.state();
    if (s == LifeCycle.State.CLOSED || s == LifeCycle.State.CLOSING) {
      return;
    }
    if (!lifeCycle.compareAndTransition(s, LifeCycle.State.CLOSING)) {
      return;
    }
    Channel ch = serverChannel;
    if (ch != null) {
      ch.close().awaitUninterruptibly();
    }
    for (Channel connection : List.copyOf(connections)) {
      connection.close();
    }
    Transport t = transport;
    if (t != null) {
      t.shutdown();
    }
    lifeCycle.transition(LifeCycle.State.CLOSED);
  }

  /** Collects the bind address, frame limit and handlers. Not thread-safe; use once. */
  public static final class Builder {
    private final String name;
    private InetSocketAddress bindAddress = new InetSocketAddress("127.0.0.1", 0);
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private final Map<String, MethodRegistration<?>> methods = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Where to listen; default 127.0.0.1 on an ephemeral port. */
    public Builder bind(InetSocketAddress address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /** Largest frame accepted (bytes after the length prefix); larger ones close the connection. */
    public Builder maxFrameBytes(int bytes) {
      if (bytes < 2 * RpcFrame.LENGTH_BYTES) {
        throw new IllegalArgumentException("maxFrameBytes must be at least 8, got " + bytes);
      }
      this.maxFrameBytes = bytes;
      return this;
    }

    public <Req extends Message> Builder handler(
        String method, Parser<Req> parser, RpcHandler<Req> handler) {
      Objects.requireNonNull(method, "method");
      MethodRegistration<Req> registration =
          new MethodRegistration<>(
              method, Objects.requireNonNull(parser, "parser"), Objects.requireNonNull(handler, "handler"));
      if (methods.putIfAbsent(method, registration) != null) {
        throw new IllegalArgumentException("method " + method + " registered twice on " + name);
      }
      return this;
    }

    public RpcServer build() {
      return new RpcServer(this);
    }
  }
}
