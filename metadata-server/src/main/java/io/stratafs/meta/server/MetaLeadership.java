package io.stratafs.meta.server;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.common.ZkPaths;
import io.stratafs.meta.LeaderGate;
import io.stratafs.protocol.storage.MetaRegistration;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election of the metadata servers: a Curator LeaderLatch; on winning, the epoch in
 * ZooKeeper is incremented with a conditional set and this server's MetaRegistration is published
 * as the ephemeral leader node. Serves as the {@link LeaderGate}: followers answer NOT_LEADER
 * naming the leader. Thread-safe.
 */
public final class MetaLeadership implements LeaderGate, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetaLeadership.class);

  private final CuratorFramework zk;
  private final String fs;
  private final String serverId;
  private final String address;
  private final LongConsumer onEpoch;
  private final LeaderLatch latch;
  private volatile boolean ready;

  public MetaLeadership(CuratorFramework zk, String fs, String serverId, String address, LongConsumer onEpoch) {
    this.zk = zk;
    this.fs = fs;
    this.serverId = serverId;
    this.address = address;
    this.onEpoch = onEpoch;
    this.latch = new LeaderLatch(zk, ZkPaths.metaLatch(fs), serverId);
    latch.addListener(
        new LeaderLatchListener() {
          @Override
          public void isLeader() {
            becomeLeader();
          }

          @Override
          public void notLeader() {
            ready = false;
            LOG.info("{}: no longer the metadata leader of {}", serverId, fs);
          }
        });
  }

  public void start() throws Exception {
    latch.start();
  }

  /** Leader and done publishing: may serve. */
  public boolean isLeader() {
    return ready && latch.hasLeadership();
  }

  private synchronized void becomeLeader() {
    try {
      long epoch = bumpEpoch();
      onEpoch.accept(epoch);
      publish(epoch);
      ready = true;
      LOG.info("{}: metadata leader of {} at {} with epoch {}", serverId, fs, address, epoch);
    } catch (Exception e) {
      // Without a published epoch we must not serve; give the latch to another server.
      LOG.error("{}: could not take leadership; stepping down", serverId, e);
      ready = false;
    }
  }

  private long bumpEpoch() throws Exception {
    String path = ZkPaths.metaEpoch(fs);
    while (true) {
      Stat stat = new Stat();
      byte[] data;
      try {
        data = zk.getData().storingStatIn(stat).forPath(path);
      } catch (KeeperException.NoNodeException e) {
        try {
          zk.create().creatingParentsIfNeeded().forPath(path, "1".getBytes(StandardCharsets.US_ASCII));
          return 1;
        } catch (KeeperException.NodeExistsException raced) {
          continue;
        }
      }
      long next = Long.parseLong(new String(data, StandardCharsets.US_ASCII).trim()) + 1;
      try {
        zk.setData().withVersion(stat.getVersion()).forPath(path, Long.toString(next).getBytes(StandardCharsets.US_ASCII));
        return next;
      } catch (KeeperException.BadVersionException raced) {
        // another writer moved the epoch: read again
      }
    }
  }

  private void publish(long epoch) throws Exception {
    String path = ZkPaths.metaLeader(fs);
    byte[] reg =
        MetaRegistration.newBuilder().setServerId(serverId).setAddress(address).setEpoch(epoch).build().toByteArray();
    try {
      zk.delete().forPath(path); // a stale node of a previous leader's session
    } catch (KeeperException.NoNodeException ignored) {
      // the usual case
    }
    zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, reg);
  }

  @Override
  public void checkLeader() {
    if (isLeader()) {
      return;
    }
    String leader = "unknown (election in progress)";
    try {
      byte[] data = zk.getData().forPath(ZkPaths.metaLeader(fs));
      MetaRegistration reg = MetaRegistration.parseFrom(data);
      leader = reg.getAddress() + " (" + reg.getServerId() + ", epoch " + reg.getEpoch() + ")";
    } catch (Exception e) {
      // no leader node yet
    }
    throw StrataException.of(
        StatusCode.NOT_LEADER, "%s is not the metadata leader of %s; the leader is %s", serverId, fs, leader);
  }

  @Override
  public void close() {
    boolean wasLeader = isLeader();
    ready = false;
    try {
      if (wasLeader) {
        zk.delete().forPath(ZkPaths.metaLeader(fs));
      }
    } catch (Exception e) {
      LOG.debug("leader node already gone", e);
    }
    try {
      latch.close();
    } catch (Exception e) {
      LOG.warn("closing the leader latch failed", e);
    }
  }
}
