package io.stratafs.protocol.rpc;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A server's endpoint for callers in the same JVM (ADR 034), registered under a name in a
 * JVM-wide table while the server runs. Its connections ({@link InProcessStream}) hand each frame
 * to the server's {@link CallDispatcher} on the calling thread. Closing it drops it from the table
 * and closes its connections, whose next call fails UNAVAILABLE as over a closed socket.
 * Thread-safe.
 */
final class InProcessEndpoint implements AutoCloseable {
  private static final Map<String, InProcessEndpoint> SERVED = new ConcurrentHashMap<>();

  private final InProcessAddress address;
  private final String serverName;
  private final CallDispatcher dispatcher;
  private final int maxFrameBytes;
  private final Set<InProcessStream> streams = ConcurrentHashMap.newKeySet();
  private final Set<InProcessCall> calls = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private InProcessEndpoint(String name, String serverName, CallDispatcher dispatcher, int maxFrameBytes) {
    this.address = new InProcessAddress(name);
    this.serverName = serverName;
    this.dispatcher = dispatcher;
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Registers {@code name}; BUSY when another server of this JVM serves it already. */
  static InProcessEndpoint register(String name, String serverName, CallDispatcher dispatcher, int maxFrameBytes) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("an in-process endpoint needs a name");
    }
    InProcessEndpoint endpoint = new InProcessEndpoint(name, serverName, dispatcher, maxFrameBytes);
    InProcessEndpoint before = SERVED.putIfAbsent(name, endpoint);
    if (before != null) {
      throw new StrataException(
          StatusCode.BUSY, "'" + name + "' is already served in this process by " + before.serverName + "; in-process names must be unique");
    }
    return endpoint;
  }

  static Optional<InProcessEndpoint> find(String name) {
    return Optional.ofNullable(SERVED.get(name));
  }

  InProcessAddress address() {
    return address;
  }

  String serverName() {
    return serverName;
  }

  CallDispatcher dispatcher() {
    return dispatcher;
  }

  int maxFrameBytes() {
    return maxFrameBytes;
  }

  boolean isOpen() {
    return !closed;
  }

  /** A new connection; IOException when the server has stopped (as a refused connect would be). */
  InProcessStream connect() throws IOException {
    if (closed) {
      throw new IOException(serverName + " no longer serves " + address);
    }
    InProcessStream s = new InProcessStream(this);
    streams.add(s);
    if (closed) { // closed while connecting: do not leave it open
      s.close();
      throw new IOException(serverName + " no longer serves " + address);
    }
    return s;
  }

  void forget(InProcessStream s) {
    streams.remove(s);
  }

  void track(InProcessCall call) {
    calls.add(call);
  }

  void untrack(InProcessCall call) {
    calls.remove(call);
  }

  /** Connections open now, for tests. */
  int openConnections() {
    return streams.size();
  }

  @Override
  public void close() {
    closed = true;
    SERVED.remove(address.name(), this);
    for (InProcessStream s : List.copyOf(streams)) {
      s.close();
    }
    for (InProcessCall c : List.copyOf(calls)) {
      c.close(); // as a closed socket fails its connection's pending calls
    }
  }
}
