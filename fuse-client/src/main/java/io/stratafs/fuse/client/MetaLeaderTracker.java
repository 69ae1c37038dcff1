package io.stratafs.fuse.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.common.ZkPaths;
import io.stratafs.protocol.storage.MetaRegistration;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;

/**
 * Knows the current metadata leader by watching its ephemeral ZooKeeper node ({@link
 * ZkPaths#metaLeader}) through a Curator single-node cache. Thread-safe: the cache is updated by
 * Curator's event thread and read by callers.
 */
final class MetaLeaderTracker implements AutoCloseable {
  private final String path;
  private final CuratorCache cache;

  MetaLeaderTracker(CuratorFramework curator, String fsName) {
    this.path = ZkPaths.metaLeader(fsName);
    this.cache = CuratorCache.build(curator, path, CuratorCache.Options.SINGLE_NODE_CACHE);
    cache.start();
  }

  /**
   * The leader as last seen in ZooKeeper.
   *
   * @throws StrataException UNAVAILABLE (retryable) when no leader is registered right now
   */
  MetaRegistration leader() {
    Optional<ChildData> node = cache.get(path);
    if (node.isEmpty() || node.get().getData() == null || node.get().getData().length == 0) {
      throw StrataException.of(
          StatusCode.UNAVAILABLE,
          "no metadata leader registered at %s; start a metadata server for this filesystem",
          path);
    }
    try {
      return MetaRegistration.parseFrom(node.get().getData());
    } catch (InvalidProtocolBufferException e) {
      throw new StrataException(
          StatusCode.PROTOCOL_ERROR, "unreadable MetaRegistration at " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    cache.close();
  }
}
