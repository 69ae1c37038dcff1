package io.stratafs.protocol.rpc;

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

  OutputStream out();

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
}
