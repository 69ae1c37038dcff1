package io.stratafs.cli.cluster;

import io.stratafs.common.ZkPaths;
import io.stratafs.protocol.storage.MetaRegistration;
import java.time.Instant;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * A short-lived ZooKeeper client of the cluster commands: reads the registrations the daemons
 * write (ZkPaths) to tell whether they are up. Every read fails fast and reports "absent" when
 * ZooKeeper cannot be reached, since the callers poll or report "unreachable" themselves.
 * Thread-safe (Curator is).
 */
final class ClusterZk implements AutoCloseable {
  private static final long CLOCK_SKEW_MILLIS = 1000;

  private final CuratorFramework client;
  private final String fs;

  ClusterZk(String connect, String fs) {
    this.fs = fs;
    this.client =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs(15_000)
            .connectionTimeoutMs(2_000)
            .retryPolicy(new RetryOneTime(200))
            .build();
    client.start();
  }

  boolean exists(String path) {
    try {
      return client.checkExists().forPath(path) != null;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * Whether {@code path} exists and was created at or after {@code since}. A daemon killed a
   * moment ago leaves its ephemeral node until its session expires; the node of the process we
   * just started is the one created after it started.
   */
  boolean createdSince(String path, Instant since) {
    try {
      Stat stat = client.checkExists().forPath(path);
      // ctime is the ZooKeeper server's clock, the same machine's here; allow a little skew.
      return stat != null && stat.getCtime() >= since.toEpochMilli() - CLOCK_SKEW_MILLIS;
    } catch (Exception e) {
      return false;
    }
  }

  boolean metaLeaderRegisteredSince(Instant since) {
    return createdSince(ZkPaths.metaLeader(fs), since);
  }

  boolean storageRegisteredSince(String storageId, Instant since) {
    return createdSince(ZkPaths.storage(fs, storageId), since);
  }

  /** The current metadata leader, or empty when none is registered or ZooKeeper is unreachable. */
  Optional<MetaRegistration> metaLeader() throws Exception {
    try {
      byte[] data = client.getData().forPath(ZkPaths.metaLeader(fs));
      return Optional.of(MetaRegistration.parseFrom(data));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
