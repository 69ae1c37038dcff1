package io.stratafs.protocol.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BlockingRpcConnection}'s stream to a server in this JVM (ADR 034). The request frame
 * is handed to the server's {@link CallDispatcher} on the writing thread, which runs a blocking
 * handler itself (as a direct listener's thread would); the reply frame is queued for {@link #in}.
 * Same frames and handlers as over a socket, without the socket: no system call, no copy of the
 * request and no other thread per call.
 *
 * <p>Deadlines: a handler that runs on the caller's thread cannot be abandoned, so a call to a
 * blocking handler has none; it takes as long as the handler, as a system call on a local
 * filesystem takes as long as its disk. A reply that comes from another thread (an asynchronous
 * handler) is waited for until the armed deadline, then fails with SocketTimeoutException. Used
 * by one thread at a time; {@link #close} from any.
 */
final class InProcessStream implements CallStream {
  /** Queued after the replies when the stream closes: wakes a reader waiting for one. */
  private static final Object CLOSED = new Object();

  private final InProcessEndpoint endpoint;
  private final BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
  private final ReplyChannel channel = new Replies();
  private final InputStream in = new ReplyBytes();
  private volatile boolean open = true;
  private volatile boolean armed;
  private volatile long deadlineNanos;

  InProcessStream(InProcessEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  static InProcessStream connect(InProcessAddress address) throws IOException {
    InProcessEndpoint endpoint =
        InProcessEndpoint.find(address.name())
            .orElseThrow(() -> new IOException("no server of this process serves " + address));
    return endpoint.connect();
  }

  @Override
  public InputStream in() {
    return in;
  }

  /**
   * Hands the frame to the server's dispatcher on this thread, without a copy: the call's data is
   * the caller's own buffer, held by the handler until it returns. A blocking handler runs here.
   */
  @Override
  public void writeFrame(ByteBuf frame) throws IOException {
    if (!isOpen()) {
      throw new IOException("connection to " + endpoint.address() + " is closed");
    }
    int length = frame.readableBytes() - RpcFrame.LENGTH_BYTES;
    if (length < 0 || frame.getUnsignedInt(frame.readerIndex()) != length) {
      close();
      throw new IOException("the request frame's length prefix does not match its " + frame.readableBytes() + " bytes");
    }
    if (length > endpoint.maxFrameBytes()) {
      close();
      throw new IOException("request frame of " + length + " bytes is over the " + endpoint.maxFrameBytes() + "-byte limit");
    }
    if (!endpoint.dispatcher().receive(channel, frame.slice(frame.readerIndex() + RpcFrame.LENGTH_BYTES, length), true)) {
      close();
      throw new IOException(endpoint.serverName() + " closed the in-process connection: the request frame is unreadable");
    }
  }

  @Override
  public void arm(long millis) {
    deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    armed = true;
  }

  @Override
  public void disarm() {
    armed = false;
  }

  @Override
  public boolean isOpen() {
    return open && endpoint.isOpen();
  }

  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    endpoint.forget(this);
    releaseQueued();
  }

  /**
   * Once closed: releases the replies nobody will read (each is taken from the queue once, so by
   * one thread) and leaves {@link #CLOSED} to wake a reader.
   */
  private void releaseQueued() {
    for (Object o; (o = replies.poll()) != null; ) {
      if (o instanceof ByteBuf b) {
        b.release();
      }
    }
    replies.add(CLOSED);
  }

  /** The queued replies' bytes, in order; blocks for the next reply until the armed deadline. */
  private final class ReplyBytes extends InputStream {
    private ByteBuf current;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (current == null || !current.isReadable()) {
        if (current != null) {
          current.release();
          current = null;
        }
        Object next = next();
        if (next instanceof ByteBuf reply) {
          if (!open) {
            reply.release();
            throw closed();
          }
          current = reply;
        } else {
          replies.add(CLOSED);
          throw closed();
        }
      }
      int n = Math.min(len, current.readableBytes());
      current.readBytes(b, off, n);
      if (!current.isReadable()) {
        current.release();
        current = null;
      }
      return n;
    }

    private Object next() throws IOException {
      try {
        if (!armed) {
          return replies.take();
        }
        long left = deadlineNanos - System.nanoTime();
        Object o = left > 0 ? replies.poll(left, TimeUnit.NANOSECONDS) : replies.poll();
        if (o == null) {
          throw new SocketTimeoutException("no reply from " + endpoint.serverName() + " in this process before the call's deadline");
        }
        return o;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting for a reply from " + endpoint.serverName());
      }
    }

    private IOException closed() {
      if (current != null) {
        current.release();
        current = null;
      }
      return new IOException("connection to " + endpoint.address() + " was closed");
    }
  }

  /** Where the server's replies go: the queue {@link #in} reads. */
  private final class Replies implements ReplyChannel {
    @Override
    public boolean isOpen() {
      return InProcessStream.this.isOpen();
    }

    @Override
    public ByteBufAllocator alloc() {
      return PooledByteBufAllocator.DEFAULT;
    }

    @Override
    public void send(ByteBuf frame, long callId) {
      if (!open) {
        frame.release();
        return;
      }
      replies.add(frame);
      if (!open) { // closed meanwhile: nobody reads it
        releaseQueued();
      }
    }

    @Override
    public String peer() {
      return "this process (in-process)";
    }

    @Override
    public void close() {
      InProcessStream.this.close();
    }
  }
}
