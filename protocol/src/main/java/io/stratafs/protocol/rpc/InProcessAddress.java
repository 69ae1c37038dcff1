package io.stratafs.protocol.rpc;

import java.net.SocketAddress;
import java.util.Optional;

/**
 * The address of a server running in this JVM that also takes calls as method calls ({@link
 * RpcServer#serveInProcess}, ADR 034): a {@link BlockingRpcConnection} opened to it hands each
 * call's frame to the server's handlers on the calling thread, with no socket and no other thread.
 * Only meaningful inside the JVM that serves it. Immutable.
 */
public final class InProcessAddress extends SocketAddress {
  private final String name;

  InProcessAddress(String name) {
    this.name = name;
  }

  /** The address of the server serving {@code name} in this JVM, if one does. */
  public static Optional<InProcessAddress> served(String name) {
    return InProcessEndpoint.find(name).map(InProcessEndpoint::address);
  }

  /** The name the server was registered under (a storage daemon uses its advertised host:port). */
  public String name() {
    return name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InProcessAddress other && other.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return "in-process:" + name;
  }
}
