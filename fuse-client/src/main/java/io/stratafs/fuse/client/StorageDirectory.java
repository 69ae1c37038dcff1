package io.stratafs.fuse.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.stratafs.common.ZkPaths;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.storage.ExternalTargetStat;
import io.stratafs.protocol.storage.StorageRegistration;
import io.stratafs.protocol.rpc.InProcessAddress;
import io.stratafs.protocol.rpc.RpcClient;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which storage daemons can read an external target for this client (storage.ReadExternal): the
 * live daemons' ZooKeeper registrations ({@link ZkPaths#storageDir}) list the targets each one
 * reaches. A client never holds backend credentials, so an external copy is read through one of
 * them. Thread-safe: the cache is updated by Curator's event thread and read by callers.
 */
public final class StorageDirectory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StorageDirectory.class);

  private final String dir;
  private final CuratorCache cache;
  /** Each daemon's RPC address → its direct listeners, best first; rebuilt when a registration changes. */
  private volatile Map<String, List<SocketAddress>> directEndpoints = Map.of();

  public StorageDirectory(CuratorFramework curator, String fsName) {
    this.dir = ZkPaths.storageDir(fsName);
    this.cache = CuratorCache.build(curator, dir);
    cache.listenable().addListener((type, before, after) -> directEndpoints = readDirectEndpoints());
    cache.start();
  }

  /**
   * The direct listeners of the daemon at {@code address} (host:port), where a thread's own
   * connection is served by a thread of the daemon's own, best first: the daemon itself when it
   * runs in this JVM and serves it (ADR 034), its Unix domain socket when that exists on this
   * machine (ADR 033), then its direct TCP port. Empty when it has none (or is unknown).
   */
  public List<SocketAddress> directEndpoints(String address) {
    return directEndpoints.getOrDefault(address, List.of());
  }

  private Map<String, List<SocketAddress>> readDirectEndpoints() {
    Map<String, List<SocketAddress>> out = new HashMap<>();
    for (StorageRegistration reg : registrations()) {
      List<SocketAddress> endpoints = new ArrayList<>(3);
      InProcessAddress.served(reg.getAddress()).ifPresent(endpoints::add);
      if (!reg.getDirectSocket().isEmpty()) {
        try {
          Path socket = Path.of(reg.getDirectSocket());
          if (socket.isAbsolute() && Files.exists(socket)) { // else the daemon is on another machine
            endpoints.add(UnixDomainSocketAddress.of(socket));
          }
        } catch (RuntimeException e) {
          log.warn("storage {} registered an unusable direct socket '{}': {}", reg.getStorageId(), reg.getDirectSocket(), e.getMessage());
        }
      }
      if (!reg.getDirectAddress().isEmpty()) {
        try {
          endpoints.add(RpcClient.parseAddress(reg.getDirectAddress()));
        } catch (RuntimeException e) {
          log.warn("storage {} registered an unusable direct address '{}': {}", reg.getStorageId(), reg.getDirectAddress(), e.getMessage());
        }
      }
      if (!endpoints.isEmpty()) {
        out.put(reg.getAddress(), List.copyOf(endpoints));
      }
    }
    return Map.copyOf(out);
  }

  /**
   * Addresses of daemons that have {@code target} configured, those already serving a replica of
   * {@code chunk} (a connection exists) first.
   */
  public List<String> daemonsFor(String target, ChunkInfo chunk) {
    Set<String> withReplica = new LinkedHashSet<>();
    for (Replica r : chunk.getReplicasList()) {
      withReplica.add(r.getAddress());
    }
    List<String> first = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    for (StorageRegistration reg : registrations()) {
      if (reaches(reg, target)) {
        (withReplica.contains(reg.getAddress()) ? first : rest).add(reg.getAddress());
      }
    }
    first.addAll(rest);
    return first;
  }

  private static boolean reaches(StorageRegistration reg, String target) {
    for (ExternalTargetStat t : reg.getExternalsList()) {
      if (t.getName().equals(target)) {
        return true;
      }
    }
    return false;
  }

  /** The directory of device {@code device} of storage daemon {@code storageId}, as it registered it. */
  public java.util.Optional<String> devicePath(String storageId, String device) {
    for (StorageRegistration reg : registrations()) {
      if (reg.getStorageId().equals(storageId)) {
        return reg.getDevicesList().stream().filter(d -> d.getName().equals(device)).map(d -> d.getPath()).findFirst();
      }
    }
    return java.util.Optional.empty();
  }

  private List<StorageRegistration> registrations() {
    List<StorageRegistration> out = new ArrayList<>();
    for (ChildData node : cache.stream().toList()) {
      if (node.getPath().equals(dir) || node.getData() == null || node.getData().length == 0) {
        continue;
      }
      try {
        out.add(StorageRegistration.parseFrom(node.getData()));
      } catch (InvalidProtocolBufferException e) {
        log.warn("unreadable StorageRegistration at {}: {}", node.getPath(), e.getMessage());
      }
    }
    return out;
  }

  @Override
  public void close() {
    cache.close();
  }
}
