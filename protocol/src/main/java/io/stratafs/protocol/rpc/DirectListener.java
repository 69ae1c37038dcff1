package io.stratafs.protocol.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's second listener, for callers that make one call at a time on a connection of their
 * own ({@link BlockingRpcConnection}): each connection is served by a platform thread of its own,
 * which reads a frame, runs the handler itself and writes the reply itself. Through the event
 * loop the same call costs two more thread wake-ups in the server (the event loop hands the call
 * to a handler thread, the handler thread hands the reply back), which on a small VM is a good
 * part of a synced 4 KiB write. Same frames and handlers as the Netty listener; a thread blocked
 * in read(2) costs a stack and nothing else.
 *
 * <p>It listens on a TCP address or on a Unix domain socket (ADR 033): a caller on the same machine
 * saves the TCP/IP stack's work on both ends of each call, about 17 µs of a round trip between two
 * processes on this project's 2-vCPU VM. The socket file is removed when the listener closes.
 * Thread-safe.
 */
final class DirectListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DirectListener.class);
  /** Bytes read ahead per read(2): a small call arrives whole in one. */
  private static final int READ_AHEAD_BYTES = 64 << 10;

  private final String name;
  private final int maxFrameBytes;
  private final int maxConnections;
  private final CallDispatcher dispatcher;
  private final ServerSocketChannel server;
  private final SocketAddress address;
  private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private volatile boolean closed;

  private DirectListener(
      String name, int maxFrameBytes, int maxConnections, CallDispatcher dispatcher, ServerSocketChannel server)
      throws IOException {
    this.name = name;
    this.maxFrameBytes = maxFrameBytes;
    this.maxConnections = maxConnections;
    this.dispatcher = dispatcher;
    this.server = server;
    this.address = server.getLocalAddress();
  }

  /**
   * Binds and starts accepting; UNAVAILABLE when the address cannot be bound. {@code bind} is an
   * {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}, whose file must not exist yet.
   */
  static DirectListener start(
      String name, SocketAddress bind, int maxFrameBytes, int maxConnections, CallDispatcher dispatcher) {
    DirectListener listener;
    try {
      boolean unix = bind instanceof UnixDomainSocketAddress;
      ServerSocketChannel server = ServerSocketChannel.open(unix ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
      try {
        if (!unix) {
          server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        }
        server.bind(bind);
        listener = new DirectListener(name, maxFrameBytes, maxConnections, dispatcher, server);
      } catch (IOException e) {
        server.close();
        throw e;
      }
    } catch (IOException e) {
      throw new StrataException(
          StatusCode.UNAVAILABLE,
          "RPC server " + name + " cannot listen for direct connections on " + bind + ": " + e
              + "; choose a free port or path, or stop the process that holds it",
          e);
    }
    Thread.ofPlatform().name("rpc-direct-" + name + "-accept").daemon().start(listener::acceptLoop);
    return listener;
  }

  /** The bound address (also once closed): an InetSocketAddress or a UnixDomainSocketAddress. */
  SocketAddress address() {
    return address;
  }

  int openConnections() {
    return connections.size();
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel s;
      try {
        s = server.accept();
      } catch (ClosedChannelException e) {
        return; // closed
      } catch (IOException e) {
        if (!closed) {
          log.warn("{}: accepting a direct connection failed: {}", name, e.toString());
        }
        continue;
      }
      if (connections.size() >= maxConnections) {
        log.warn(
            "{}: refusing a direct connection from {}: {} are open, the most this listener serves",
            name, remote(s), maxConnections);
        closeQuietly(s);
        continue;
      }
      connections.add(s);
      if (closed) { // closed while accepting: do not leave it open
        connections.remove(s);
        closeQuietly(s);
        return;
      }
      Thread.ofPlatform()
          .name("rpc-direct-" + name + "-" + accepted.incrementAndGet())
          .daemon()
          .start(() -> serve(s));
    }
  }

  /** Reads frames until the caller leaves or sends garbage; runs each call on this thread. */
  private void serve(SocketChannel s) {
    Connection c = new Connection(s);
    try {
      if (address instanceof InetSocketAddress) {
        s.setOption(StandardSocketOptions.TCP_NODELAY, true);
        s.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
      }
      while (true) {
        ByteBuf frame = c.readFrame();
        if (frame == null) {
          return;
        }
        try {
          if (!dispatcher.receive(c, frame, true)) {
            return;
          }
        } finally {
          frame.release();
        }
      }
    } catch (EOFException | ClosedChannelException e) {
      // the caller left mid-frame, or the server is closing
    } catch (IOException e) {
      log.debug("{}: direct connection from {} failed: {}", name, c.peer(), e.toString());
    } catch (RuntimeException | Error e) {
      log.warn("{}: closing direct connection from {} after an unexpected error", name, c.peer(), e);
    } finally {
      connections.remove(s);
      closeQuietly(s);
    }
  }

  /** One connection: its read-ahead buffer, and replies written under a lock of their own. */
  private final class Connection implements ReplyChannel {
    private final SocketChannel socket;
    private final String peer;
    private final ByteBuffer readAhead = ByteBuffer.allocateDirect(READ_AHEAD_BYTES).flip();
    private final ByteBuffer lengthPrefix = ByteBuffer.allocate(RpcFrame.LENGTH_BYTES);

    Connection(SocketChannel socket) {
      this.socket = socket;
      this.peer = remote(socket);
    }

    /** The next frame, its length prefix stripped (the caller releases it); null at a clean end. */
    ByteBuf readFrame() throws IOException {
      lengthPrefix.clear();
      if (!fill(lengthPrefix, true)) {
        return null;
      }
      long length = Integer.toUnsignedLong(lengthPrefix.getInt(0));
      if (length > maxFrameBytes) {
        log.warn(
            "{}: closing direct connection from {}: frame of {} bytes, over the {}-byte maximum",
            name, peer, length, maxFrameBytes);
        return null;
      }
      ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer((int) length);
      try {
        fill(frame.nioBuffer(0, (int) length), false);
        frame.writerIndex((int) length);
        return frame;
      } catch (IOException | RuntimeException e) {
        frame.release();
        throw e;
      }
    }

    /**
     * Fills {@code dst} from the read-ahead, reading more as needed (large remainders straight
     * into {@code dst}). Returns false when the caller closed the connection before the first byte
     * and {@code endAllowed}; EOFException when it closed it mid-way.
     */
    private boolean fill(ByteBuffer dst, boolean endAllowed) throws IOException {
      boolean first = true;
      while (dst.hasRemaining()) {
        if (readAhead.hasRemaining()) {
          int n = Math.min(readAhead.remaining(), dst.remaining());
          ByteBuffer part = readAhead.slice(readAhead.position(), n);
          dst.put(part);
          readAhead.position(readAhead.position() + n);
          first = false;
          continue;
        }
        int n;
        if (dst.remaining() >= READ_AHEAD_BYTES) {
          n = socket.read(dst);
        } else {
          readAhead.clear();
          n = socket.read(readAhead);
          readAhead.flip();
        }
        if (n < 0) {
          if (first && endAllowed) {
            return false;
          }
          throw new EOFException("connection closed mid-frame");
        }
        first = false;
      }
      return true;
    }

    @Override
    public boolean isOpen() {
      return socket.isOpen();
    }

    @Override
    public ByteBufAllocator alloc() {
      return PooledByteBufAllocator.DEFAULT;
    }

    @Override
    public void send(ByteBuf frame, long callId) {
      try {
        ByteBuffer[] parts = frame.nioBuffers();
        synchronized (this) {
          long left = frame.readableBytes();
          while (left > 0) {
            left -= socket.write(parts);
          }
        }
      } catch (IOException e) {
        log.debug("{}: reply to #{} for {} could not be written: {}", name, callId, peer, e.toString());
        close(); // a reply cut mid-frame cannot be resumed
      } finally {
        frame.release();
      }
    }

    @Override
    public String peer() {
      return peer;
    }

    @Override
    public void close() {
      closeQuietly(socket);
    }
  }

  private static String remote(SocketChannel s) {
    try {
      SocketAddress peer = s.getRemoteAddress();
      // A Unix socket's client is unnamed: say where it came in.
      return peer instanceof UnixDomainSocketAddress ? "a local process on " + s.getLocalAddress() : String.valueOf(peer);
    } catch (IOException e) {
      return "(unknown peer)";
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing left to do with it
    }
  }

  /** Stops accepting and closes every connection; handlers still running finish, their replies dropped. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    for (SocketChannel s : List.copyOf(connections)) {
      closeQuietly(s);
    }
    if (address instanceof UnixDomainSocketAddress unix) {
      try {
        Files.deleteIfExists(unix.getPath());
      } catch (IOException e) {
        log.warn("{}: could not remove the socket file {}: {}", name, unix.getPath(), e.toString());
      }
    }
  }
}
