package io.stratafs.fuse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.common.ZkPaths;
import io.stratafs.protocol.storage.MetaRegistration;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;

/** Leader discovery against a real ZooKeeper. */
class MetaLeaderTrackerTest {
  @Test
  void followsTheLeaderNodeAsItAppearsChangesAndDisappears() throws Exception {
    try (TestingServer zk = new TestingServer(true);
        CuratorFramework curator = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      curator.start();
      String path = ZkPaths.metaLeader("fs1");
      try (MetaLeaderTracker tracker = new MetaLeaderTracker(curator, "fs1")) {
        assertThatThrownBy(tracker::leader)
            .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE))
            .hasMessageContaining(path);

        byte[] first = MetaRegistration.newBuilder().setServerId("m1").setAddress("127.0.0.1:7001").setEpoch(3).build().toByteArray();
        curator.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, first);
        await().atMost(Duration.ofSeconds(10)).until(() -> leaderOrNull(tracker) != null);
        assertThat(tracker.leader().getAddress()).isEqualTo("127.0.0.1:7001");
        assertThat(tracker.leader().getEpoch()).isEqualTo(3);

        byte[] second = MetaRegistration.newBuilder().setServerId("m2").setAddress("127.0.0.1:7002").setEpoch(4).build().toByteArray();
        curator.setData().forPath(path, second);
        await().atMost(Duration.ofSeconds(10)).until(() -> "m2".equals(serverIdOrNull(tracker)));

        curator.delete().forPath(path);
        await().atMost(Duration.ofSeconds(10)).until(() -> leaderOrNull(tracker) == null);
      }
    }
  }

  private static MetaRegistration leaderOrNull(MetaLeaderTracker tracker) {
    try {
      return tracker.leader();
    } catch (StrataException e) {
      return null;
    }
  }

  private static String serverIdOrNull(MetaLeaderTracker tracker) {
    MetaRegistration r = leaderOrNull(tracker);
    return r == null ? null : r.getServerId();
  }
}
