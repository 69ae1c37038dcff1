package io.stratafs.meta.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.common.ZkPaths;
import io.stratafs.meta.storage.Placement;
import io.stratafs.meta.storage.ZkStorageView;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.storage.DeviceStat;
import io.stratafs.protocol.storage.MetaRegistration;
import io.stratafs.protocol.storage.StorageRegistration;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;

/** Leader election, epoch and leader node, and storage membership against a real ZooKeeper. */
class ZkLeadershipAndMembershipTest {
  @Test
  void electsPublishesAndFollowersRedirect() throws Exception {
    try (TestingServer zkServer = new TestingServer(true);
        CuratorFramework zk = CuratorFrameworkFactory.newClient(zkServer.getConnectString(), new RetryOneTime(100));
        CuratorFramework zk2 = CuratorFrameworkFactory.newClient(zkServer.getConnectString(), new RetryOneTime(100))) {
      zk.start();
      zk2.start();
      AtomicLong epoch = new AtomicLong();
      try (MetaLeadership a = new MetaLeadership(zk, "fs1", "m1", "127.0.0.1:7001", epoch::set)) {
        a.start();
        await().atMost(Duration.ofSeconds(20)).until(a::isLeader);
        MetaRegistration reg = MetaRegistration.parseFrom(zk.getData().forPath(ZkPaths.metaLeader("fs1")));
        assertThat(reg.getAddress()).isEqualTo("127.0.0.1:7001");
        assertThat(reg.getEpoch()).isEqualTo(1).isEqualTo(epoch.get());
        try (MetaLeadership b = new MetaLeadership(zk2, "fs1", "m2", "127.0.0.1:7002", e -> {})) {
          b.start();
          assertThatThrownBy(b::checkLeader)
              .isInstanceOf(StrataException.class)
              .hasMessageContaining("127.0.0.1:7001")
              .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(StatusCode.NOT_LEADER));
          a.close();
          await().atMost(Duration.ofSeconds(20)).until(b::isLeader);
          assertThat(MetaRegistration.parseFrom(zk.getData().forPath(ZkPaths.metaLeader("fs1"))).getEpoch())
              .isEqualTo(2);
        }
      }
    }
  }

  @Test
  void placementSeesRegisteredStorage() throws Exception {
    try (TestingServer zkServer = new TestingServer(true);
        CuratorFramework zk = CuratorFrameworkFactory.newClient(zkServer.getConnectString(), new RetryOneTime(100))) {
      zk.start();
      try (ZkStorageView view = new ZkStorageView(zk, "fs1")) {
        StorageRegistration reg = StorageRegistration.newBuilder().setStorageId("s1").setAddress("127.0.0.1:9000")
            .addDevices(DeviceStat.newBuilder().setName("d0").setMedia("ssd").setFreeBytes(5)).build();
        zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
            .forPath(ZkPaths.storage("fs1", "s1"), reg.toByteArray());
        await().atMost(Duration.ofSeconds(20)).until(() -> view.storages().size() == 1);
        Replica r = new Placement(view).place(io.stratafs.tiering.BuiltinPolicies.find("single").orElseThrow(), "", 1).get(0).replicas().get(0);
        assertThat(r.getAddress()).isEqualTo("127.0.0.1:9000");
        assertThat(r.getDevice()).isEqualTo("d0");
      }
    }
  }
}
