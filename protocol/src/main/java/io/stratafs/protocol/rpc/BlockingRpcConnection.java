package io.stratafs.protocol.rpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.wire.RpcHeader;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A plain blocking socket to one server, used by one thread for one call at a time: the calling
 * thread writes the request frame itself and sleeps in read(2) until the reply, so the kernel wakes
 * it directly. Through {@link RpcClient} the same call costs three wake-ups (the event loop for
 * the write, the event loop for the reply, then the caller), which on a small VM is most of a
 * metadata call. Same frames as {@link RpcClient}. A request may carry bulk data (a chunk write),
 * and a reply's bulk data is copied into the caller's buffer (a chunk read). After any error the connection is closed (a stream cut mid-frame cannot be
 * resynchronised); the owner opens a new one. Not thread-safe: confine it to its thread.
 *
 * <p>It connects over TCP, to a Unix domain socket of a server on the same machine (ADR 033), or to
 * a server in this JVM by method calls ({@link InProcessAddress}, ADR 034).
 */
public final class BlockingRpcConnection implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

  private final SocketAddress address;
  private final int maxFrameBytes;
  private final CallStream stream;
  private final DataInputStream in;
  private long nextCallId;
  /** The call sent and not yet answered, if any: at most one at a time. */
  private Sent<?> unanswered;

  private BlockingRpcConnection(SocketAddress address, int maxFrameBytes, CallStream stream) {
    this.address = address;
    this.maxFrameBytes = maxFrameBytes;
    this.stream = stream;
    this.in = new DataInputStream(new BufferedInputStream(stream.in(), 64 << 10));
  }

  /**
   * Connects to a TCP address (up to 10 s), a {@link UnixDomainSocketAddress} or an {@link
   * InProcessAddress}; UNAVAILABLE when the server cannot be reached.
   */
  public static BlockingRpcConnection open(SocketAddress address, int maxFrameBytes) {
    try {
      CallStream stream =
          switch (address) {
            case UnixDomainSocketAddress path -> UnixSocketStream.connect(path);
            case InProcessAddress local -> InProcessStream.connect(local);
            default -> TcpCallStream.connect(resolved((InetSocketAddress) address), CONNECT_TIMEOUT_MILLIS);
          };
      return new BlockingRpcConnection(address, maxFrameBytes, stream);
    } catch (IOException e) {
      throw new StrataException(
          StatusCode.UNAVAILABLE,
          "cannot connect to " + address + ": " + e + "; the server may be down or the address wrong", e);
    }
  }

  private static InetSocketAddress resolved(InetSocketAddress address) {
    return address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
  }

  /** The server's address: an InetSocketAddress, a UnixDomainSocketAddress or an InProcessAddress. */
  public SocketAddress address() {
    return address;
  }

  /** Calls sent on this connection so far. */
  public long callsSent() {
    return nextCallId;
  }

  public boolean isOpen() {
    return stream.isOpen();
  }

  /**
   * Sends {@code request} and waits up to {@code timeout} for the reply body. A server error is
   * thrown as its StrataException; a broken connection is UNAVAILABLE ("may or may not have run",
   * as with {@link RpcClient}) and a late reply TIMED_OUT, both closing this connection.
   */
  public <Resp extends Message> Resp call(
      String method, Message request, Parser<Resp> replyParser, long epoch, Duration timeout) {
    return call(method, request, Unpooled.EMPTY_BUFFER, replyParser, epoch, timeout);
  }

  /**
   * Like {@link #call(String, Message, Parser, long, Duration)}, with {@code data} sent after the
   * request body; ownership of {@code data} passes here (it is released once sent, or on failure).
   */
  public <Resp extends Message> Resp call(
      String method, Message request, ByteBuf data, Parser<Resp> replyParser, long epoch, Duration timeout) {
    return send(method, request, data, replyParser, epoch, timeout).reply();
  }

  /**
   * Sends the call and returns without waiting: the caller may make a call on another connection
   * meanwhile, then reads this reply with {@link Sent#reply} (on this thread, before the next call
   * on this connection). Errors as {@link #call}; ownership of {@code data} passes here.
   */
  public <Resp extends Message> Sent<Resp> send(
      String method, Message request, ByteBuf data, Parser<Resp> replyParser, long epoch, Duration timeout) {
    if (!isOpen()) {
      data.release();
      throw new StrataException(StatusCode.UNAVAILABLE, "connection to " + address + " is closed");
    }
    if (unanswered != null) {
      data.release();
      close(); // its reply would be read as this call's
      throw new IllegalStateException("a call to " + address + " was sent while " + unanswered.method + " is unanswered");
    }
    long callId = ++nextCallId;
    long timeoutMillis = Math.max(1, timeout.toMillis());
    RpcHeader header =
        RpcHeader.newBuilder()
            .setCallId(callId)
            .setMethod(method)
            .setTimeoutMs((int) Math.min(timeoutMillis, 0xFFFF_FFFFL))
            .setEpoch(epoch)
            .build();
    ByteBuf frame = RpcFrame.encode(UnpooledByteBufAllocator.DEFAULT, header, request, data);
    try {
      stream.arm(timeoutMillis); // a server that stopped reading must not hold this thread forever
      stream.writeFrame(frame);
    } catch (SocketTimeoutException e) {
      throw timedOut(method, timeoutMillis, e);
    } catch (IOException e) {
      throw broken(method, e);
    } finally {
      frame.release();
      stream.disarm();
    }
    Sent<Resp> sent = new Sent<>(method, callId, replyParser, timeoutMillis);
    unanswered = sent;
    return sent;
  }

  /** A call sent on this connection, answered once its reply has been read. */
  public final class Sent<Resp extends Message> {
    private final String method;
    private final long callId;
    private final Parser<Resp> replyParser;
    private final long timeoutMillis;
    private final long deadlineNanos;
    private int dataBytes;

    private Sent(String method, long callId, Parser<Resp> replyParser, long timeoutMillis) {
      this.method = method;
      this.callId = callId;
      this.replyParser = replyParser;
      this.timeoutMillis = timeoutMillis;
      this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    /** How many bytes of the reply's data {@link #reply(ByteBuffer)} copied. */
    public int dataBytes() {
      return dataBytes;
    }

    /**
     * Waits until the call's deadline (counted from its send) for the reply body. A server error is
     * thrown as its StrataException; a broken connection is UNAVAILABLE ("may or may not have
     * run", as with {@link RpcClient}) and a late reply TIMED_OUT, both closing the connection.
     */
    public Resp reply() {
      return reply(null);
    }

    /**
     * Like {@link #reply()}; the reply's bulk data, as much as fits, is copied into {@code dataInto}
     * from its position (which does not move) and counted by {@link #dataBytes}.
     */
    public Resp reply(ByteBuffer dataInto) {
      if (unanswered != this) {
        throw new IllegalStateException("the reply to " + method + " #" + callId + " was read already");
      }
      unanswered = null;
      long leftMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
      try {
        stream.arm(leftMillis);
        return readReply(this, dataInto);
      } catch (SocketTimeoutException e) {
        throw timedOut(method, timeoutMillis, e);
      } catch (IOException e) {
        throw broken(method, e);
      } finally {
        stream.disarm();
      }
    }
  }

  private <Resp extends Message> Resp readReply(Sent<Resp> sent, ByteBuffer dataInto) throws IOException {
    String method = sent.method;
    long callId = sent.callId;
    Parser<Resp> replyParser = sent.replyParser;
    long frameLength = Integer.toUnsignedLong(in.readInt());
    if (frameLength > maxFrameBytes) {
      close();
      throw new StrataException(
          StatusCode.PROTOCOL_ERROR,
          "reply to " + method + " from " + address + " is " + frameLength + " bytes, over the "
              + maxFrameBytes + "-byte frame limit");
    }
    byte[] bytes = new byte[(int) frameLength];
    in.readFully(bytes);
    RpcFrame reply;
    try {
      reply = RpcFrame.decode(Unpooled.wrappedBuffer(bytes));
    } catch (MalformedFrameException e) {
      close();
      throw new StrataException(
          StatusCode.PROTOCOL_ERROR, "malformed reply to " + method + " from " + address + ": " + e.getMessage());
    }
    RpcHeader header = reply.header();
    if (!header.getReply() || header.getCallId() != callId) {
      close();
      throw new StrataException(
          StatusCode.PROTOCOL_ERROR,
          "expected the reply to " + method + " #" + callId + " from " + address + ", got "
              + (header.getReply() ? "reply #" + header.getCallId() : "a request frame"));
    }
    if (header.getStatus() != StatusCode.OK.wire()) {
      throw new StrataException(StatusCode.fromWire(header.getStatus()), header.getMessage());
    }
    try {
      Resp body = replyParser.parseFrom(reply.body().nioBuffer());
      if (dataInto != null) {
        ByteBuf data = reply.data();
        int n = Math.min(data.readableBytes(), dataInto.remaining());
        data.getBytes(data.readerIndex(), dataInto.duplicate().limit(dataInto.position() + n));
        sent.dataBytes = n;
      }
      return body;
    } catch (InvalidProtocolBufferException e) {
      throw new StrataException(
          StatusCode.PROTOCOL_ERROR,
          "reply of " + method + " from " + address + " does not parse: " + e.getMessage()
              + "; client and server versions may not match", e);
    }
  }

  /** Closes this connection after its deadline passed: TIMED_OUT. */
  private StrataException timedOut(String method, long timeoutMillis, SocketTimeoutException e) {
    close();
    return new StrataException(
        StatusCode.TIMED_OUT,
        method + " to " + address + " timed out after " + timeoutMillis
            + " ms; the server may be overloaded or unreachable, retry or raise the timeout", e);
  }

  /** Closes this connection after an I/O error: "may or may not have run", as with {@link RpcClient}. */
  private StrataException broken(String method, IOException e) {
    close();
    return new StrataException(
        StatusCode.UNAVAILABLE,
        "connection to " + address + " failed during " + method + " (" + e + "); the call may or may not have run", e);
  }

  @Override
  public void close() {
    stream.close();
  }
}
