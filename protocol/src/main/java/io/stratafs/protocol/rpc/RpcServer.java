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
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
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
 * <p>Each {@link RpcHandler} runs on its own virtual thread; an {@link AsyncRpcHandler} runs on
 * the event loop that read the call and must not block. Unknown methods are answered NOT_IMPLEMENTED,
 * unparsable requests PROTOCOL_ERROR, calls past their deadline TIMED_OUT; a connection that
 * sends an oversized or unreadable frame is closed without disturbing the others.
 *
 * <p>With {@link Builder#directListener} the server also listens on a second port where each
 * connection has a thread of its own that runs the handlers itself ({@link DirectListener}): for
 * callers that make one call at a time on a connection of their own ({@link
 * BlockingRpcConnection}). Same methods, same answers. {@link Builder#directSocket} adds the
 * same kind of listener on a Unix domain socket, for callers on the same machine (ADR 033), and
 * {@link #serveInProcess} takes calls from this JVM as method calls (ADR 034). Thread-safe.
 */
public final class RpcServer implements AutoCloseable {
  /** Default largest frame accepted: 1 MiB write + headers, with room to spare. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;

  private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

  /** Direct connections served at once: one thread each; callers keep a few per thread of theirs. */
  static final int MAX_DIRECT_CONNECTIONS = 2048;

  private final String name;
  private final InetSocketAddress bindAddress;
  private final int maxFrameBytes;
  private final CallDispatcher dispatcher;
  private final LifeCycle lifeCycle;
  private final InetSocketAddress directBind;
  private final Path directSocketPath;
  private volatile DirectListener direct;
  private volatile DirectListener directSocket;
  private volatile InProcessEndpoint inProcess;
  private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
  private volatile Transport transport;
  private volatile Channel serverChannel;

  private RpcServer(Builder builder) {
    this.name = builder.name;
    this.bindAddress = builder.bindAddress;
    this.maxFrameBytes = builder.maxFrameBytes;
    this.dispatcher = new CallDispatcher(name, builder.methods, builder.blockingExecutor);
    this.lifeCycle = new LifeCycle("rpc-server " + name);
    this.directBind = builder.directBind;
    this.directSocketPath = builder.directSocketPath;
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
    try {
      if (directBind != null) {
        direct = DirectListener.start(name, directBind, maxFrameBytes, MAX_DIRECT_CONNECTIONS, dispatcher);
      }
      if (directSocketPath != null) {
        directSocket =
            DirectListener.start( // its threads are rpc-direct-<name>-unix-N
                name + "-unix", UnixDomainSocketAddress.of(directSocketPath), maxFrameBytes, MAX_DIRECT_CONNECTIONS,
                dispatcher);
      }
    } catch (StrataException e) {
      if (direct != null) {
        direct.close();
      }
      serverChannel.close().awaitUninterruptibly();
      lifeCycle.transition(LifeCycle.State.FAILED);
      t.shutdown();
      throw e;
    }
    lifeCycle.transition(LifeCycle.State.RUNNING);
    log.info(
        "{}: serving RPC on {} ({}){}{}", name, serverChannel.localAddress(), t.kind(),
        direct == null ? "" : ", direct connections on " + direct.address(),
        directSocket == null ? "" : " and " + directSocketPath);
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

  /**
   * Where the direct listener listens (see {@link Builder#directListener}), or null without one.
   */
  public InetSocketAddress directAddress() {
    DirectListener d = direct;
    return d == null ? null : (InetSocketAddress) d.address();
  }

  /** The Unix domain socket of the direct listener there (see {@link Builder#directSocket}), or null. */
  public Path directSocket() {
    return directSocket == null ? null : directSocketPath;
  }

  /**
   * Also takes calls from this JVM under {@code name} (ADR 034): a {@link BlockingRpcConnection}
   * opened to the returned address hands each call to the handlers on the calling thread, which
   * runs a blocking handler itself, as a direct listener's thread would. Same methods, same
   * answers; no socket, no deadline on a blocking handler. Until {@link #close}. BUSY when
   * another server of this JVM serves {@code name}; at most once per server.
   */
  public synchronized InProcessAddress serveInProcess(String name) {
    if (lifeCycle.state() != LifeCycle.State.RUNNING) {
      throw new IllegalStateException("RPC server " + this.name + " is " + lifeCycle.state() + ", not running");
    }
    if (inProcess != null) {
      throw new IllegalStateException("RPC server " + this.name + " already serves " + inProcess.address());
    }
    inProcess = InProcessEndpoint.register(name, this.name, dispatcher, maxFrameBytes);
    if (lifeCycle.state() != LifeCycle.State.RUNNING) { // closed meanwhile
      inProcess.close();
      throw new IllegalStateException("RPC server " + this.name + " closed while starting to serve " + name);
    }
    log.info("{}: also serving calls from this process as {}", this.name, inProcess.address());
    return inProcess.address();
  }

  /** How many client connections are open right now, direct and in-process ones included (for tests and metrics). */
  public int openConnections() {
    InProcessEndpoint p = inProcess;
    return socketConnections() + (p == null ? 0 : p.openConnections());
  }

  /** How many client connections over a socket (TCP or Unix) are open right now. */
  public int socketConnections() {
    DirectListener d = direct;
    DirectListener u = directSocket;
    return connections.size() + (d == null ? 0 : d.openConnections()) + (u == null ? 0 : u.openConnections());
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
    InProcessEndpoint p = inProcess;
    if (p != null) {
      p.close();
    }
    for (DirectListener d : new DirectListener[] {direct, directSocket}) {
      if (d != null) {
        d.close();
      }
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
    private Executor blockingExecutor;
    private InetSocketAddress directBind;
    private Path directSocketPath;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Where to listen; default 127.0.0.1 on an ephemeral port. */
    public Builder bind(InetSocketAddress address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Also listens on {@code address} (port 0: any free one) for direct connections, each served
     * by a thread of its own that runs the handlers itself, for callers using {@link
     * BlockingRpcConnection}. Off by default.
     */
    public Builder directListener(InetSocketAddress address) {
      this.directBind = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Also serves direct connections on a Unix domain socket at {@code path}, which must not exist
     * yet (the caller removes a stale one) and is removed on close: for callers on this machine.
     */
    public Builder directSocket(Path path) {
      this.directSocketPath = Objects.requireNonNull(path, "path");
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

    /**
     * Where blocking handlers run instead of a virtual thread each. For handlers that spend their
     * time in file I/O and fsync: a virtual thread blocked there pins its carrier, and the
     * scheduler wakes a spare carrier to make up for it, two extra thread wake-ups per call. The
     * caller owns the executor (shuts it down after {@link #close}); it must not reject while the
     * server runs, and should not bound its threads (a handler may wait on another server's).
     */
    public Builder blockingExecutor(Executor executor) {
      this.blockingExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** A handler that may block: it runs on a virtual thread of its own (or the blocking executor). */
    public <Req extends Message> Builder handler(
        String method, Parser<Req> parser, RpcHandler<Req> handler) {
      return register(new MethodRegistration<>(
          Objects.requireNonNull(method, "method"), Objects.requireNonNull(parser, "parser"),
          Objects.requireNonNull(handler, "handler"), null));
    }

    /** A handler that never blocks: it runs on the event loop (see {@link AsyncRpcHandler}). */
    public <Req extends Message> Builder asyncHandler(
        String method, Parser<Req> parser, AsyncRpcHandler<Req> handler) {
      return register(new MethodRegistration<>(
          Objects.requireNonNull(method, "method"), Objects.requireNonNull(parser, "parser"), null,
          Objects.requireNonNull(handler, "handler")));
    }

    private Builder register(MethodRegistration<?> registration) {
      if (methods.putIfAbsent(registration.method(), registration) != null) {
        throw new IllegalArgumentException("method " + registration.method() + " registered twice on " + name);
      }
      return this;
    }

    public RpcServer build() {
      return new RpcServer(this);
    }
  }
}
