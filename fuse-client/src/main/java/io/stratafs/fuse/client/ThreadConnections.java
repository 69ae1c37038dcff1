package io.stratafs.fuse.client;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.BlockingRpcConnection;
import io.stratafs.protocol.rpc.RpcServer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BlockingRpcConnection}s of each platform thread (FUSE workers, the I/O pool: fixed, long
 * lived), at most {@code perThread} of them, to the addresses it called last: calls from those
 * threads write and read their own socket, one thread wake-up per call instead of three through
 * the event loop. Calling one more address closes the thread's least recently used connection (a
 * metadata client keeps one: a new leader replaces the old). Thread-safe.
 *
 * <p>A server may have direct listeners ({@code directs}: the address → its direct endpoints, best
 * first), where the server also serves each connection on a thread of its own (ADR 024): a Unix
 * domain socket when the server is on this machine (ADR 033), a TCP port. New connections go to the
 * first that answers, and to the address itself when none does (a stale registration, a
 * firewall). All answer the same calls.
 */
final class ThreadConnections implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ThreadConnections.class);
  private static final Duration DIRECT_RETRY_AFTER = Duration.ofMinutes(1);

  private final String owner;
  private final int perThread;
  /** Most recently used first. */
  private final Function<InetSocketAddress, List<SocketAddress>> directs;
  /** Direct listeners that could not be reached → when to try them again (System.nanoTime). */
  private final Map<SocketAddress, Long> unreachableDirects = new ConcurrentHashMap<>();
  private final ThreadLocal<ArrayDeque<Kept>> mine = ThreadLocal.withInitial(ArrayDeque::new);
  private final Set<BlockingRpcConnection> all = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** A thread's connection for calls to {@code address} (connected there or to its direct listener). */
  private record Kept(InetSocketAddress address, BlockingRpcConnection connection) {}

  /**
   * @param owner what the connections serve, for the error once closed ("the metadata client")
   * @param perThread how many addresses each thread keeps a connection to
   */
  ThreadConnections(String owner, int perThread) {
    this(owner, perThread, address -> List.of());
  }

  /** With servers' direct listeners: {@code directs} maps an address to its direct endpoints, best first. */
  ThreadConnections(String owner, int perThread, Function<InetSocketAddress, List<SocketAddress>> directs) {
    if (perThread < 1) {
      throw new IllegalArgumentException("perThread must be at least 1, got " + perThread);
    }
    this.owner = owner;
    this.perThread = perThread;
    this.directs = directs;
  }

  /** Whether the calling thread should use {@link #call}: virtual threads are many and short-lived. */
  static boolean suitsCurrentThread() {
    return !Thread.currentThread().isVirtual();
  }

  /** Makes the call and waits for its reply (not retried: the caller has its own rules). */
  <R extends Message> R call(
      InetSocketAddress address, String method, Message request, Parser<R> parser, long epoch, Duration timeout) {
    return send(address, method, request, Unpooled.EMPTY_BUFFER, parser, epoch, timeout, false).reply();
  }

  /**
   * Sends without waiting; the calling thread reads the outcome with {@link Pending#reply} before
   * its next call to {@code address}: a failure to connect or send is that outcome too. Ownership
   * of {@code data} passes here.
   *
   * @param idempotent whether the call may run twice. A connection kept from an earlier call may
   *     have been closed by its server since (a restarted daemon), which shows only when it is
   *     used; an idempotent call that fails that way is made once more on a new connection.
   */
  <R extends Message> Pending<R> send(
      InetSocketAddress address,
      String method,
      Message request,
      ByteBuf data,
      Parser<R> parser,
      long epoch,
      Duration timeout,
      boolean idempotent) {
    Pending<R> pending = new Pending<>(address, method, request, parser, epoch, timeout);
    BlockingRpcConnection c;
    try {
      c = connectionTo(address);
    } catch (RuntimeException e) {
      data.release();
      if (e instanceof StrataException refused) {
        pending.sendFailure = refused; // unreachable, or this client closed: the outcome
        return pending;
      }
      throw e;
    }
    if (idempotent && c.callsSent() > 0) {
      pending.again = data.retainedDuplicate(); // a kept connection: its server may have closed it
    }
    try {
      pending.sent = c.send(method, request, data, parser, epoch, timeout);
    } catch (StrataException e) {
      pending.sendFailure = e; // the outcome, read by reply(), which may retry it
    } catch (RuntimeException e) {
      pending.releaseRetryData();
      throw e;
    }
    return pending;
  }

  /** A call sent by {@link #send}: read its outcome once, on the thread that sent it. */
  final class Pending<R extends Message> {
    private final InetSocketAddress address;
    private final String method;
    private final Message request;
    private final Parser<R> parser;
    private final long epoch;
    private final Duration timeout;
    /** The data again, for the one retry of an idempotent call on a reused connection; else null. */
    private ByteBuf again;
    private BlockingRpcConnection.Sent<R> sent;
    private StrataException sendFailure;
    private int dataBytes;

    private Pending(InetSocketAddress address, String method, Message request, Parser<R> parser, long epoch, Duration timeout) {
      this.address = address;
      this.method = method;
      this.request = request;
      this.parser = parser;
      this.epoch = epoch;
      this.timeout = timeout;
    }

    /** Waits for the reply body; errors as {@link BlockingRpcConnection#call}. */
    R reply() {
      return reply(null);
    }

    /**
     * Like {@link #reply()}, copying the reply's bulk data into {@code dataInto} (from its
     * position, which does not move); {@link #dataBytes} counts it.
     */
    R reply(ByteBuffer dataInto) {
      try {
        if (sendFailure != null) {
          throw sendFailure;
        }
        R body = sent.reply(dataInto);
        dataBytes = sent.dataBytes();
        return body;
      } catch (StrataException e) {
        if (again == null || !closedByTheServer(e)) {
          throw e;
        }
        ByteBuf data = again;
        again = null;
        Pending<R> retry = send(address, method, request, data, parser, epoch, timeout, false);
        R body = retry.reply(dataInto);
        dataBytes = retry.dataBytes;
        return body;
      } finally {
        releaseRetryData();
      }
    }

    private void releaseRetryData() {
      if (again != null) {
        again.release();
        again = null;
      }
    }

    int dataBytes() {
      return dataBytes;
    }
  }

  /** The connection broke (its server closed it, or restarted): not an answer from the server. */
  private static boolean closedByTheServer(StrataException e) {
    return e.code() == StatusCode.UNAVAILABLE && e.getCause() instanceof java.io.IOException;
  }

  private BlockingRpcConnection connectionTo(InetSocketAddress address) {
    ArrayDeque<Kept> own = mine.get();
    for (Iterator<Kept> it = own.iterator(); it.hasNext(); ) {
      Kept k = it.next();
      BlockingRpcConnection c = k.connection();
      if (c.isOpen() && k.address().equals(address)) {
        if (own.peekFirst() != k) {
          it.remove();
          own.addFirst(k);
        }
        return c;
      }
      if (!c.isOpen()) { // an error closed it: a call to its address opens a new one
        it.remove();
        all.remove(c);
      }
    }
    if (closed) {
      throw new StrataException(StatusCode.UNAVAILABLE, owner + " is closed");
    }
    if (own.size() >= perThread) {
      BlockingRpcConnection eldest = own.removeLast().connection();
      all.remove(eldest);
      eldest.close();
    }
    BlockingRpcConnection fresh = open(address);
    all.add(fresh);
    own.addFirst(new Kept(address, fresh));
    if (closed) { // closed while connecting: do not leave it open
      fresh.close();
    }
    return fresh;
  }

  /** Connects to the first of the address's direct endpoints that answers, else to the address. */
  private BlockingRpcConnection open(InetSocketAddress address) {
    for (SocketAddress direct : directs.apply(address)) {
      Long retryAt = unreachableDirects.get(direct);
      if (retryAt != null && System.nanoTime() - retryAt < 0) {
        continue;
      }
      try {
        BlockingRpcConnection c = BlockingRpcConnection.open(direct, RpcServer.DEFAULT_MAX_FRAME_BYTES);
        unreachableDirects.remove(direct);
        return c;
      } catch (StrataException e) {
        // A connect that timed out must not cost every new connection its wait again.
        unreachableDirects.put(direct, System.nanoTime() + DIRECT_RETRY_AFTER.toNanos());
        log.info("{}: direct listener {} of {} unreachable, not trying it for {}: {}",
            owner, direct, address, DIRECT_RETRY_AFTER, e.getMessage());
      }
    }
    return BlockingRpcConnection.open(address, RpcServer.DEFAULT_MAX_FRAME_BYTES);
  }

  @Override
  public void close() {
    closed = true;
    for (BlockingRpcConnection c : all) {
      c.close();
    }
    all.clear();
  }
}
