package io.stratafs.protocol.rpc;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A blocking connection to a Unix domain socket for {@link BlockingRpcConnection}: reads and
 * writes are one read(2) or write(2) each, where a {@link java.net.Socket} with a read timeout
 * costs a failed read, a poll and a read. A {@code SocketChannel} has no read timeout, so a
 * watchdog thread shared by all of them closes one whose armed deadline has passed (checked every
 * {@value #CHECK_MILLIS} ms); the blocked read or write then fails with SocketTimeoutException.
 * Used by one thread at a time; {@link #close} from any.
 */
final class UnixSocketStream implements CallStream {
  static final long CHECK_MILLIS = 50;
  private static final Set<UnixSocketStream> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Thread.ofPlatform().name("rpc-unix-deadlines").daemon().start(UnixSocketStream::watch);
  }

  private final SocketChannel channel;
  private final InputStream in;
  private final OutputStream out;
  /** System.nanoTime by which the current read or write must end; meaningful while armed. */
  private volatile long deadlineNanos;
  private volatile boolean armed;
  private volatile boolean timedOut;

  private UnixSocketStream(SocketChannel channel) {
    this.channel = channel;
    InputStream raw = Channels.newInputStream(channel);
    OutputStream rawOut = Channels.newOutputStream(channel);
    this.in =
        new InputStream() {
          @Override
          public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            try {
              return raw.read(b, off, len);
            } catch (AsynchronousCloseException e) {
              throw timedOutOr(e);
            }
          }
        };
    this.out = CallStream.buffered(
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            try {
              rawOut.write(b, off, len);
            } catch (AsynchronousCloseException e) {
              throw timedOutOr(e);
            }
          }
        });
  }

  static UnixSocketStream connect(UnixDomainSocketAddress address) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(address);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    UnixSocketStream s = new UnixSocketStream(channel);
    OPEN.add(s);
    return s;
  }

  @Override
  public InputStream in() {
    return in;
  }

  @Override
  public void writeFrame(ByteBuf frame) throws IOException {
    CallStream.writeBuffered(frame, out);
  }

  /** Reads and writes from now on must end within {@code millis}, or the connection is closed. */
  @Override
  public void arm(long millis) {
    timedOut = false;
    deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    armed = true;
  }

  @Override
  public void disarm() {
    armed = false;
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  private IOException timedOutOr(AsynchronousCloseException e) {
    if (!timedOut) {
      return e;
    }
    SocketTimeoutException t = new SocketTimeoutException("no progress on the Unix socket before the call's deadline");
    t.initCause(e);
    return t;
  }

  @Override
  public void close() {
    OPEN.remove(this);
    try {
      channel.close();
    } catch (IOException e) {
      // nothing left to do with it
    }
  }

  private static void watch() {
    while (true) {
      try {
        Thread.sleep(CHECK_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (UnixSocketStream s : OPEN) {
        if (s.armed && now - s.deadlineNanos > 0) {
          s.timedOut = true;
          s.close();
        }
      }
    }
  }
}
