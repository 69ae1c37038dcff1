package io.stratafs.protocol.rpc;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Calls methods on RPC servers. One client holds one connection per remote address, shared by all
 * concurrent calls (multiplexed by call id), reconnecting when a connection drops. Thread-safe.
 *
 * <p>Failures complete the future with a {@link io.stratafs.common.StrataException}: the server's
 * status for an error reply, TIMED_OUT past the deadline, UNAVAILABLE when the peer cannot be
 * reached or the connection drops mid-call.
 *
 * <p>Futures complete on the event loop that read the reply, so a blocked caller wakes at once;
 * continuations attached to them still run on virtual threads, never on a Netty event loop, so
 * they may block (even on another call). A client does not retry: retrying is the caller's decision, guided by
 * {@link StatusCode#retryable()}.
 */
public final class RpcClient implements AutoCloseable {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** How long a connection attempt may take; a call's own timeout usually ends it sooner. */
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

  private final String name;
  private final int maxFrameBytes;
  private final Transport transport;
  private final Bootstrap bootstrap;
  private final ExecutorService callbacks;
  private final Executor continuations;
  private final AtomicLong callIds = new AtomicLong();
  private final ConcurrentHashMap<String, ClientConnection> connections = new ConcurrentHashMap<>();
  private volatile long epoch;
  private volatile boolean closed;

  public RpcClient(String name) {
    this(name, RpcServer.DEFAULT_MAX_FRAME_BYTES);
  }

  /** @param maxFrameBytes largest request sent and reply accepted (bytes after the length prefix) */
  public RpcClient(String name, int maxFrameBytes) {
    if (maxFrameBytes < 2 * RpcFrame.LENGTH_BYTES) {
      throw new IllegalArgumentException("maxFrameBytes must be at least 8, got " + maxFrameBytes);
    }
    this.name = Objects.requireNonNull(name, "name");
    this.maxFrameBytes = maxFrameBytes;
    this.transport = new Transport("rpc-client-" + name);
    this.bootstrap =
        new Bootstrap()
            .group(transport.group())
            .channel(transport.socketChannelType())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
    this.callbacks =
        Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("rpc-client-" + name + "-callback-", 0).factory());
    ExecutorService vthreads = callbacks;
    this.continuations =
        task -> {
          try {
            vthreads.execute(task);
          } catch (RejectedExecutionException e) {
            task.run(); // the client is closing: run here rather than never
          }
        };
  }

  /**
   * Sends {@code request} with {@code data} (ownership passes to the client, which releases it)
   * to {@code address}.
   */
  public <Resp extends Message> CompletableFuture<RpcResponse<Resp>> call(
      InetSocketAddress address,
      String method,
      Message request,
      ByteBuf data,
      Parser<Resp> replyParser,
      Duration timeout) {
    ByteBuf payload = data == null ? Unpooled.EMPTY_BUFFER : data;
    try {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(replyParser, "replyParser");
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
    } catch (RuntimeException e) {
      payload.release();
      throw e;
    }
    PendingCall<Resp> call =
        new PendingCall<>(
            callIds.incrementAndGet(), method, address, replyParser, timeout.toMillis(), continuations);
    if (closed) {
      payload.release();
      call.fail(new StrataException(StatusCode.UNAVAILABLE, "RPC client " + name + " is closed"));
      return call.future;
    }
    // Resolved and unresolved forms of the same host:port are one server.
    String key = address.getHostString() + ":" + address.getPort();
    InProcessEndpoint local = inProcess(key);
    if (local != null) {
      InProcessCall.start(local, call, request, payload, epoch, maxFrameBytes);
    } else {
      connectionTo(key, address).send(call, request, payload, epoch);
    }
    return call.future;
  }

  /** Same with no bulk data and the default timeout; blocks; throws StrataException. */
  public <Resp extends Message> Resp callSync(
      InetSocketAddress address, String method, Message request, Parser<Resp> replyParser) {
    CompletableFuture<RpcResponse<Resp>> future =
        call(address, method, request, Unpooled.EMPTY_BUFFER, replyParser, DEFAULT_TIMEOUT);
    try (RpcResponse<Resp> response = future.get()) {
      return response.body();
    } catch (InterruptedException e) {
      future.cancel(false);
      Thread.currentThread().interrupt();
      throw new StrataException(
          StatusCode.INTERRUPTED, method + " to " + address + " interrupted while waiting", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re; // StrataException (the usual case), or a programmer error, unwrapped
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(method + " to " + address + " failed", cause);
    }
  }

  /**
   * {@code call}'s result mapped by {@code fn} on the thread that completes the call, usually the
   * event loop that read the reply, instead of on a callback thread: one thread wake-up fewer per
   * call. For cheap transforms only (unwrapping a body, building a list), which never block, and
   * so must be every continuation the caller attaches to the returned future without an executor:
   * they run on that same thread.
   */
  public static <T, U> CompletableFuture<U> mapInline(CompletableFuture<T> call, Function<? super T, ? extends U> fn) {
    if (!(call instanceof RpcFuture<T> rpc)) {
      return call.thenApply(fn);
    }
    CompletableFuture<U> out = new CompletableFuture<>();
    rpc.whenCompleteInline(
        (value, error) -> {
          if (error != null) {
            out.completeExceptionally(error);
            return;
          }
          try {
            out.complete(fn.apply(value));
          } catch (Throwable t) {
            out.completeExceptionally(t);
          }
        });
    return out;
  }

  /** The epoch sent with every call (0 = none). */
  public long epoch() {
    return epoch;
  }

  /** The epoch sent with every call (0 = none); set by clients after they learn the leader's. */
  public void setEpoch(long epoch) {
    this.epoch = epoch;
  }

  /** Parses "host:port". */
  public static InetSocketAddress parseAddress(String hostPort) {
    int i = hostPort.lastIndexOf(':');
    if (i <= 0 || i == hostPort.length() - 1) {
      throw new IllegalArgumentException("expected host:port, got '" + hostPort + "'");
    }
    return InetSocketAddress.createUnresolved(hostPort.substring(0, i), Integer.parseInt(hostPort.substring(i + 1)));
  }

  /** The server of this JVM that serves {@code hostPort} in-process (ADR 035), or null. */
  private static InProcessEndpoint inProcess(String hostPort) {
    InProcessEndpoint e = InProcessEndpoint.find(hostPort).orElse(null);
    return e != null && e.isOpen() ? e : null;
  }

  private ClientConnection connectionTo(String key, InetSocketAddress address) {
    return connections.compute(
        key,
        (k, current) ->
            current != null && current.isUsable()
                ? current
                : ClientConnection.open(bootstrap, CallTimeouts.TIMER, name, address, maxFrameBytes));
  }

  /**
   * Closes every connection (pending calls fail UNAVAILABLE) and stops the event loops. Returns
   * within a few hundred milliseconds. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ClientConnection connection : List.copyOf(connections.values())) {
      connection.close();
    }
    connections.clear();
    transport.shutdown();
    callbacks.shutdown();
  }
}
