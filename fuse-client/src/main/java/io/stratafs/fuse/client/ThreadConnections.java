package io.stratafs.fuse.client;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.BlockingRpcConnection;
import io.stratafs.protocol.rpc.RpcServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link BlockingRpcConnection} per platform thread (FUSE workers, the I/O pool: fixed, long
 * lived), to whichever address it last called: metadata calls from those threads write and read
 * their own socket, one thread wake-up per call instead of three through the event loop. A thread
 * that calls another address (a new leader) replaces its connection. Thread-safe.
 */
final class ThreadConnections implements AutoCloseable {
  private final ThreadLocal<BlockingRpcConnection> mine = new ThreadLocal<>();
  private final Set<BlockingRpcConnection> all = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** Whether the calling thread should use {@link #call}: virtual threads are many and short-lived. */
  static boolean suitsCurrentThread() {
    return !Thread.currentThread().isVirtual();
  }

  <R extends Message> R call(
      InetSocketAddress address, String method, Message request, Parser<R> parser, long epoch, Duration timeout) {
    return connectionTo(address).call(method, request, parser, epoch, timeout);
  }

  private BlockingRpcConnection connectionTo(InetSocketAddress address) {
    BlockingRpcConnection c = mine.get();
    if (c != null && c.isOpen() && c.address().equals(address)) {
      return c;
    }
    if (c != null) {
      all.remove(c);
      c.close();
    }
    if (closed) {
      throw new StrataException(StatusCode.UNAVAILABLE, "the metadata client is closed");
    }
    BlockingRpcConnection fresh = BlockingRpcConnection.open(address, RpcServer.DEFAULT_MAX_FRAME_BYTES);
    all.add(fresh);
    mine.set(fresh);
    if (closed) { // closed while connecting: do not leave it open
      fresh.close();
    }
    return fresh;
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
