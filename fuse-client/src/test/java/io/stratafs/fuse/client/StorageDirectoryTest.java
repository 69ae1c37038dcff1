package io.stratafs.fuse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stratafs.common.ZkPaths;
import io.stratafs.protocol.rpc.InProcessAddress;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.storage.StorageRegistration;
import io.stratafs.storage.DeviceSpec;
import io.stratafs.storage.StorageConfig;
import io.stratafs.storage.StorageDaemon;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Where a mount's per-thread connections go, from real registrations in a real ZooKeeper (ADR 024, 033). */
@Timeout(60)
class StorageDirectoryTest {
  private static final String FS = "dirtest";

  private static StorageDaemon startDaemon(TestingServer zk, Path tmp) {
    return StorageDaemon.start(
        new StorageConfig(
            "s1", List.of(DeviceSpec.parse("nvme:" + tmp.resolve("d0"), "d0")), zk.getConnectString(), FS, "127.0.0.1", 0, Map.of()));
  }

  @Test
  void aDaemonOnThisMachineIsReachedOnItsUnixSocketFirstAndOneElsewhereOnlyOverTcp(@TempDir Path tmp) throws Exception {
    try (TestingServer zk = new TestingServer(true);
        StorageDaemon local = startDaemon(zk, tmp);
        CuratorFramework curator = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      curator.start();
      // A daemon on another machine: its socket's path does not exist here.
      StorageRegistration remote =
          StorageRegistration.newBuilder()
              .setStorageId("s2")
              .setAddress("127.0.0.2:7000")
              .setDirectAddress("127.0.0.2:7001")
              .setDirectSocket(tmp.resolve("elsewhere/direct-0123456789abcdef.sock").toString())
              .build();
      curator.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
          .forPath(ZkPaths.storage(FS, "s2"), remote.toByteArray());
      String localAddress = "127.0.0.1:" + local.address().getPort();
      StorageRegistration published =
          StorageRegistration.parseFrom(curator.getData().forPath(ZkPaths.storage(FS, "s1")));

      try (StorageDirectory directory = new StorageDirectory(curator, FS)) {
        await().atMost(Duration.ofSeconds(20))
            .until(() -> directory.directEndpoints(localAddress).size() == 2 && !directory.directEndpoints("127.0.0.2:7000").isEmpty());
        List<SocketAddress> here = directory.directEndpoints(localAddress);
        assertThat(here.get(0)).isEqualTo(UnixDomainSocketAddress.of(published.getDirectSocket()));
        assertThat(here.get(1)).isEqualTo(RpcClient.parseAddress(published.getDirectAddress()));
        assertThat(directory.directEndpoints("127.0.0.2:7000")).containsExactly(RpcClient.parseAddress("127.0.0.2:7001"));
        assertThat(directory.directEndpoints("127.0.0.3:7000")).as("unknown daemon").isEmpty();
      }
    }
  }

  @Test
  void aDaemonInThisProcessThatServesItIsCalledInProcessFirst(@TempDir Path tmp) throws Exception {
    try (TestingServer zk = new TestingServer(true);
        StorageDaemon node = startDaemon(zk, tmp);
        CuratorFramework curator = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      curator.start();
      InProcessAddress served = node.serveInProcess();
      String address = "127.0.0.1:" + node.address().getPort();
      assertThat(served.name()).isEqualTo(address);
      try (StorageDirectory directory = new StorageDirectory(curator, FS)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> directory.directEndpoints(address).size() == 3);
        List<SocketAddress> endpoints = directory.directEndpoints(address);
        assertThat(endpoints.get(0)).isEqualTo(served);
        assertThat(endpoints.get(1)).isInstanceOf(UnixDomainSocketAddress.class);
      }
    }
  }
}
