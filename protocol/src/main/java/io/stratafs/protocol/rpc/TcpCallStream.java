package io.stratafs.protocol.rpc;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A TCP connection for {@link BlockingRpcConnection}: the socket's read timeout bounds each read. */
final class TcpCallStream implements CallStream {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private TcpCallStream(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = CallStream.buffered(socket.getOutputStream());
  }

  /** Connects within {@code timeoutMillis}, with Nagle off and keep-alive on. */
  static TcpCallStream connect(InetSocketAddress address, int timeoutMillis) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.setKeepAlive(true);
      socket.connect(address, timeoutMillis);
      return new TcpCallStream(socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  @Override
  public InputStream in() {
    return in;
  }

  @Override
  public void writeFrame(ByteBuf frame) throws IOException {
    CallStream.writeBuffered(frame, out);
  }

  /** Bounds reads only: a write blocks while the peer's window is full, as a TCP socket does. */
  @Override
  public void arm(long millis) throws IOException {
    socket.setSoTimeout((int) Math.clamp(millis, 1, Integer.MAX_VALUE));
  }

  @Override
  public void disarm() {}

  @Override
  public boolean isOpen() {
    return !socket.isClosed();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do with it
    }
  }
}
