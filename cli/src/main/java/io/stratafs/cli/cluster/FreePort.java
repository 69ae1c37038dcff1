package io.stratafs.cli.cluster;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback port helpers for the embedded cluster (it binds 127.0.0.1 only). */
final class FreePort {
  private FreePort() {}

  /** A port free right now on 127.0.0.1, chosen by the kernel. */
  static int pick() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new StrataException(StatusCode.UNAVAILABLE, "cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
    }
  }

  /** Whether something accepts TCP connections on 127.0.0.1:port. */
  static boolean accepting(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
