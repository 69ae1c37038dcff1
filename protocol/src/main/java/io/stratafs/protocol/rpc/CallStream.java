package io.stratafs.protocol.rpc;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The byte stream under a {@link BlockingRpcConnection}: a TCP socket ({@link TcpCallStream}) or a
 * Unix domain socket ({@link UnixSocketStream}, ADR 033), or a server in this JVM ({@link
 * InProcessStream}, ADR 034). Used by one thread at a time; {@link #close} from any.
 */
sealed interface CallStream extends AutoCloseable permits TcpCallStream, UnixSocketStream, InProcessStream {
  InputStream in();

  /**
   * Sends one whole encoded frame, length prefix included; the caller keeps ownership of {@code
   * frame} and releases it after.
   */
  void writeFrame(ByteBuf frame) throws IOException;

  /**
   * The current call's reads, and writes where the stream can bound them, must end within {@code
   * millis}; a late one fails with {@link java.net.SocketTimeoutException}.
   */
  void arm(long millis) throws IOException;

  /** The call is over: no deadline until the next {@link #arm}. */
  void disarm();

  boolean isOpen();

  @Override
  void close();

  /**
   * How a socket's stream sends a frame: through {@code buffered}, a 64 KiB buffer over the socket
   * (see {@link #buffered}), so that header and body go out with the data in one send(2).
   */
  static void writeBuffered(ByteBuf frame, OutputStream buffered) throws IOException {
    frame.readBytes(buffered, frame.readableBytes());
    buffered.flush();
  }

  /** A socket's output buffered for {@link #writeBuffered}: data of 64 KiB or more passes through. */
  static OutputStream buffered(OutputStream socket) {
    return new java.io.BufferedOutputStream(socket, 64 << 10);
  }
}
