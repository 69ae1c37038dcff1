package io.stratafs.fuse.client;

import io.stratafs.protocol.meta.Replica;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Orders a chunk's replicas for reading: those on this client's host first (no network hop), then
 * the others in chain order. A replica is local when its address's host is the client's host name,
 * or an address of one of this machine's interfaces. Host answers are cached (addresses are IP
 * literals or names that do not move). Thread-safe.
 */
public final class ReplicaOrder {
  private final String clientHost;
  private final Map<String, Boolean> localHosts = new ConcurrentHashMap<>();

  public ReplicaOrder(String clientHost) {
    this.clientHost = clientHost;
  }

  public List<Replica> forRead(List<Replica> replicas) {
    List<Replica> local = new ArrayList<>();
    List<Replica> remote = new ArrayList<>();
    for (Replica r : replicas) {
      (isLocal(r.getAddress()) ? local : remote).add(r);
    }
    local.addAll(remote);
    return local;
  }

  boolean isLocal(String address) {
    int colon = address.lastIndexOf(':');
    String host = colon < 0 ? address : address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return localHosts.computeIfAbsent(host, this::resolveLocal);
  }

  private boolean resolveLocal(String host) {
    if (host.equalsIgnoreCase(clientHost) || host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      InetAddress a = InetAddress.getByName(host);
      return a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null;
    } catch (UnknownHostException | SocketException e) {
      return false;
    }
  }
}
