package io.stratafs.storage.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.stratafs.common.ZkPaths;
import io.stratafs.protocol.storage.DeviceStat;
import io.stratafs.protocol.storage.StorageRegistration;
import io.stratafs.storage.DeviceSpec;
import io.stratafs.storage.chunk.ChunkStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageRegistrarTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir Path dir;
  private TestingServer zkServer;
  private CuratorFramework observer;
  private ChunkStore store;

  @BeforeEach
  void setUp() throws Exception {
    zkServer = new TestingServer(true);
    observer = CuratorFrameworkFactory.newClient(zkServer.getConnectString(), new RetryOneTime(100));
    observer.start();
    store = ChunkStore.open("s1", List.of(new DeviceSpec("d0", "ssd", dir.resolve("d0"))), 0);
  }

  @AfterEach
  void tearDown() throws Exception {
    store.close();
    observer.close();
    zkServer.close();
  }

  private StorageRegistration registration(String path) throws Exception {
    return StorageRegistration.parseFrom(observer.getData().forPath(path));
  }

  @Test
  void registersEphemeralNodeWithDevicesAndRemovesItOnClose() throws Exception {
    String path = ZkPaths.storage("fs1", "s1");
    StorageRegistrar registrar =
        StorageRegistrar.start(
            zkServer.getConnectString(), "fs1", store, "127.0.0.1:7000", Map.of("rack", "r1"));
    try {
      StorageRegistration reg = registration(path);
      assertThat(reg.getStorageId()).isEqualTo("s1");
      assertThat(reg.getAddress()).isEqualTo("127.0.0.1:7000");
      assertThat(reg.getLabelsMap()).containsEntry("rack", "r1");
      assertThat(reg.getUpdatedAtMs()).isPositive();
      DeviceStat d = reg.getDevices(0);
      assertThat(d.getName()).isEqualTo("d0");
      assertThat(d.getMedia()).isEqualTo("ssd");
      assertThat(d.getPath()).isEqualTo(dir.resolve("d0").toString());
      assertThat(d.getCapacityBytes()).isPositive();
      assertThat(d.getChunks()).isZero();
      Stat stat = observer.checkExists().forPath(path);
      assertThat(stat.getEphemeralOwner()).isNotZero();

      var buf = Unpooled.wrappedBuffer(new byte[1000]);
      store.write(1, "d0", 0, buf, false);
      buf.release();
      registrar.refresh();
      await().atMost(DEADLINE).until(() -> registration(path).getDevices(0).getUsedBytes() == 1000);
      assertThat(registration(path).getDevices(0).getChunks()).isEqualTo(1);
    } finally {
      registrar.close();
    }
    assertThat(observer.checkExists().forPath(path)).isNull();
  }

  /**
   * Expires a session on the server (not just in the client): a second handle joins the session
   * and closes it, so the server deletes its ephemeral nodes at once.
   */
  private void expireSession(ZooKeeper victim) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper killer =
        new ZooKeeper(
            zkServer.getConnectString(),
            10_000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            },
            victim.getSessionId(),
            victim.getSessionPasswd());
    try {
      assertThat(connected.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    } finally {
      killer.close();
    }
  }

  @Test
  void nodeComesBackAfterSessionExpiry() throws Exception {
    String path = ZkPaths.storage("fs1", "s1");
    try (StorageRegistrar registrar =
        StorageRegistrar.start(zkServer.getConnectString(), "fs1", store, "127.0.0.1:7000", Map.of())) {
      long owner = observer.checkExists().forPath(path).getEphemeralOwner();
      expireSession(registrar.curator().getZookeeperClient().getZooKeeper());
      await()
          .atMost(DEADLINE)
          .until(
              () -> {
                Stat s = observer.checkExists().forPath(path);
                return s != null && s.getEphemeralOwner() != owner;
              });
      assertThat(registration(path).getStorageId()).isEqualTo("s1");
    }
  }
}
