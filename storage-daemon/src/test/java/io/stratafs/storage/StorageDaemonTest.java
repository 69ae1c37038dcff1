package io.stratafs.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.common.ZkPaths;
import io.stratafs.protocol.rpc.BlockingRpcConnection;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.rpc.RpcResponse;
import io.stratafs.protocol.rpc.RpcServer;
import io.stratafs.protocol.storage.DeleteChunkRequest;
import io.stratafs.protocol.storage.ReadChunkReply;
import io.stratafs.protocol.storage.ReadChunkRequest;
import io.stratafs.protocol.storage.StorageRegistration;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.protocol.storage.StorageStatReply;
import io.stratafs.protocol.storage.StorageStatRequest;
import io.stratafs.protocol.storage.SyncChunkRequest;
import io.stratafs.protocol.storage.TruncateChunkRequest;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon end to end: RPC over real sockets on 127.0.0.1, registration in a real ZooKeeper. */
class StorageDaemonTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final int MIB = 1 << 20;

  @TempDir Path dir;
  private TestingServer zkServer;
  private StorageDaemon daemon;
  private RpcClient client;

  @BeforeEach
  void setUp() throws Exception {
    zkServer = new TestingServer(true);
    daemon =
        StorageDaemon.start(
            new StorageConfig(
                "s1",
                List.of(DeviceSpec.parse("nvme:" + dir.resolve("d0"), "d0")),
                zkServer.getConnectString(),
                "fs1",
                "127.0.0.1",
                0,
                Map.of("zone", "z1")));
    client = new RpcClient("test-client");
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    daemon.close();
    zkServer.close();
  }

  private long write(long chunkId, long offset, byte[] bytes, boolean sync) throws Exception {
    WriteChunkRequest req =
        WriteChunkRequest.newBuilder().setChunkId(chunkId).setDevice("d0").setOffset(offset).setSync(sync).build();
    try (RpcResponse<WriteChunkReply> r =
        client
            .call(daemon.address(), Methods.STORAGE_WRITE, req, Unpooled.wrappedBuffer(bytes), WriteChunkReply.parser(), TIMEOUT)
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      return r.body().getChunkLength();
    }
  }

  private byte[] read(long chunkId, String device, long offset, int length) throws Exception {
    ReadChunkRequest req =
        ReadChunkRequest.newBuilder().setChunkId(chunkId).setDevice(device).setOffset(offset).setLength(length).build();
    try (RpcResponse<ReadChunkReply> r =
        client
            .call(daemon.address(), Methods.STORAGE_READ, req, Unpooled.EMPTY_BUFFER, ReadChunkReply.parser(), TIMEOUT)
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      assertThat(r.body().getLength()).isEqualTo(r.data().readableBytes());
      return ByteBufUtil.getBytes(r.data());
    }
  }

  @Test
  void theRegistrationPublishesTheDirectListenerWhichServesTheSameCalls() throws Exception {
    StorageRegistration reg = registration("s1");
    assertThat(reg.getDirectAddress()).isNotEmpty().isNotEqualTo(reg.getAddress());
    byte[] bytes = "written through the direct listener".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (BlockingRpcConnection direct =
        BlockingRpcConnection.open(RpcClient.parseAddress(reg.getDirectAddress()), RpcServer.DEFAULT_MAX_FRAME_BYTES)) {
      WriteChunkReply w =
          direct.call(
              Methods.STORAGE_WRITE,
              WriteChunkRequest.newBuilder().setChunkId(9).setDevice("d0").setSync(true).build(),
              Unpooled.wrappedBuffer(bytes), WriteChunkReply.parser(), 0, TIMEOUT);
      assertThat(w.getChunkLength()).isEqualTo(bytes.length);
      ByteBuffer back = ByteBuffer.allocate(bytes.length);
      BlockingRpcConnection.Sent<ReadChunkReply> r =
          direct.send(
              Methods.STORAGE_READ, ReadChunkRequest.newBuilder().setChunkId(9).setDevice("d0").setLength(bytes.length).build(),
              Unpooled.EMPTY_BUFFER, ReadChunkReply.parser(), 0, TIMEOUT);
      assertThat(r.reply(back).getLength()).isEqualTo(bytes.length);
      assertThat(back.array()).isEqualTo(bytes);
    }
    assertThat(read(9, "d0", 0, bytes.length)).as("the same chunk through the RPC port").isEqualTo(bytes);
  }

  @Test
  void theRegistrationPublishesAUnixSocketInTheFirstDeviceWhichServesTheSameCalls() throws Exception {
    StorageRegistration reg = registration("s1");
    Path socket = Path.of(reg.getDirectSocket());
    assertThat(socket.getParent()).isEqualTo(dir.resolve("d0").toAbsolutePath());
    assertThat(socket.getFileName().toString()).matches("direct-[0-9a-f]{16}\\.sock");
    byte[] bytes = "written through the direct socket".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (BlockingRpcConnection local =
        BlockingRpcConnection.open(java.net.UnixDomainSocketAddress.of(socket), RpcServer.DEFAULT_MAX_FRAME_BYTES)) {
      WriteChunkReply w =
          local.call(
              Methods.STORAGE_WRITE,
              WriteChunkRequest.newBuilder().setChunkId(11).setDevice("d0").setSync(true).build(),
              Unpooled.wrappedBuffer(bytes), WriteChunkReply.parser(), 0, TIMEOUT);
      assertThat(w.getChunkLength()).isEqualTo(bytes.length);
    }
    assertThat(read(11, "d0", 0, bytes.length)).as("the same chunk through the RPC port").isEqualTo(bytes);

    daemon.close();
    assertThat(socket).as("a clean stop removes its socket").doesNotExist();
  }

  @Test
  void aRestartRemovesTheSocketAKilledRunLeftAndTakesANewName() throws Exception {
    Path first = Path.of(registration("s1").getDirectSocket());
    daemon.close();
    // A killed daemon leaves its socket file behind; the next start must not trip over it.
    java.nio.file.Files.writeString(first, "left by a killed run");
    daemon =
        StorageDaemon.start(
            new StorageConfig(
                "s1", List.of(DeviceSpec.parse("nvme:" + dir.resolve("d0"), "d0")), zkServer.getConnectString(), "fs1",
                "127.0.0.1", 0, Map.of()));
    Path second = Path.of(registration("s1").getDirectSocket());
    assertThat(first).doesNotExist();
    assertThat(second).isNotEqualTo(first).exists();
  }

  @Test
  void aDaemonWithoutADirectListenerPublishesNone() throws Exception {
    try (StorageDaemon plain =
        StorageDaemon.start(
            new StorageConfig(
                    "s2", List.of(DeviceSpec.parse("nvme:" + dir.resolve("d9"), "d0")), zkServer.getConnectString(), "fs1",
                    "127.0.0.1", 0, Map.of())
                .withDirectPort(-1))) {
      assertThat(registration("s2").getDirectAddress()).isEmpty();
      assertThat(registration("s2").getDirectSocket()).isEmpty();
    }
  }

  private StorageRegistration registration(String storageId) throws Exception {
    try (CuratorFramework zk = CuratorFrameworkFactory.newClient(zkServer.getConnectString(), new RetryOneTime(100))) {
      zk.start();
      return StorageRegistration.parseFrom(zk.getData().forPath(ZkPaths.storage("fs1", storageId)));
    }
  }

  @Test
  void writesAndReadsOneMebibyteOverRpc() throws Exception {
    byte[] bytes = new byte[MIB];
    new Random(1).nextBytes(bytes);
    assertThat(write(7, 0, bytes, true)).isEqualTo(MIB);
    assertThat(read(7, "d0", 0, MIB)).isEqualTo(bytes);
    assertThat(read(7, "", 1000, 10)).isEqualTo(java.util.Arrays.copyOfRange(bytes, 1000, 1010));

    StorageReply t =
        client.callSync(
            daemon.address(),
            Methods.STORAGE_TRUNCATE,
            TruncateChunkRequest.newBuilder().setChunkId(7).setDevice("d0").setLength(100).setSync(true).build(),
            StorageReply.parser());
    assertThat(t.getChunkLength()).isEqualTo(100);
    StorageReply s =
        client.callSync(
            daemon.address(), Methods.STORAGE_SYNC, SyncChunkRequest.newBuilder().setChunkId(7).build(), StorageReply.parser());
    assertThat(s.getChunkLength()).isEqualTo(100);

    StorageStatReply stat =
        client.callSync(
            daemon.address(), Methods.STORAGE_STAT, StorageStatRequest.getDefaultInstance(), StorageStatReply.parser());
    assertThat(stat.getStorageId()).isEqualTo("s1");
    assertThat(stat.getDevices(0).getUsedBytes()).isEqualTo(100);
    assertThat(stat.getDevices(0).getChunks()).isEqualTo(1);

    client.callSync(
        daemon.address(), Methods.STORAGE_DELETE, DeleteChunkRequest.newBuilder().setChunkId(7).build(), StorageReply.parser());
    assertThat(read(7, "", 0, 100)).isEmpty();
    assertThatThrownBy(
            () ->
                client.callSync(
                    daemon.address(),
                    Methods.STORAGE_SYNC,
                    SyncChunkRequest.newBuilder().setChunkId(7).setDevice("d0").build(),
                    StorageReply.parser()))
        .satisfies(e -> assertThat(StrataException.codeOf(e)).isEqualTo(StatusCode.NOT_FOUND));
  }

  @Test
  void corruptBlockReachesTheClientAsCorrupt() throws Exception {
    write(9, 0, new byte[200_000], false);
    Path file = daemon.store().chunkPath(9, "d0");
    // 70,000 is in 4 KiB block 17 (69,632..73,727).
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {1}), 70_000);
    }
    assertThatThrownBy(() -> read(9, "d0", 69_632, 10))
        .satisfies(e -> assertThat(StrataException.codeOf(e)).isEqualTo(StatusCode.CORRUPT))
        .hasMessageContaining("block 17");
    assertThat(read(9, "d0", 0, 10)).isEqualTo(new byte[10]);
  }

  @Test
  void registersTheBoundAddressAndDeregistersOnClose() throws Exception {
    String path = ZkPaths.storage("fs1", "s1");
    try (CuratorFramework zk =
        CuratorFrameworkFactory.newClient(zkServer.getConnectString(), new RetryOneTime(100))) {
      zk.start();
      StorageRegistration reg = StorageRegistration.parseFrom(zk.getData().forPath(path));
      assertThat(reg.getAddress()).isEqualTo("127.0.0.1:" + daemon.address().getPort());
      assertThat(reg.getLabelsMap()).containsEntry("zone", "z1");
      assertThat(reg.getDevices(0).getMedia()).isEqualTo("nvme");
      daemon.close();
      assertThat(zk.checkExists().forPath(path)).isNull();
    }
  }
}
