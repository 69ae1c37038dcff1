package io.stratafs.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.common.ZkPaths;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.rpc.RpcResponse;
import io.stratafs.protocol.storage.DeleteExternalRequest;
import io.stratafs.protocol.storage.ExternalTargetStat;
import io.stratafs.protocol.storage.ReadChunkReply;
import io.stratafs.protocol.storage.ReadChunkRequest;
import io.stratafs.protocol.storage.ReadExternalRequest;
import io.stratafs.protocol.storage.RestoreChunkRequest;
import io.stratafs.protocol.storage.StorageRegistration;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.protocol.storage.UploadChunkRequest;
import io.stratafs.storage.external.ExternalTarget;
import io.stratafs.testkit.S3ProxyServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * External copies through a real daemon: UploadChunk, ReadExternal, RestoreChunk and
 * DeleteExternal against a real S3 server (S3Proxy) and a nas directory, plus an S3 that is down.
 */
@Timeout(120)
class ExternalCopyRpcTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int MIB = 1 << 20;
  private static S3ProxyServer s3;
  private static int closedPort;

  @TempDir Path dir;
  private TestingServer zk;
  private StorageDaemon daemon;
  private RpcClient client;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = new S3ProxyServer();
    s3.createBucket("ext");
    S3ProxyServer.useAsProcessCredentials();
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    zk = new TestingServer(true);
    daemon =
        StorageDaemon.start(
            new StorageConfig(
                    "s1",
                    List.of(DeviceSpec.parse("ssd:" + dir.resolve("d0"), "d0"), DeviceSpec.parse("hdd:" + dir.resolve("d1"), "d1")),
                    zk.getConnectString(),
                    "fs1",
                    "127.0.0.1",
                    0,
                    Map.of())
                .withScrubRate(0)
                .withExternals(
                    List.of(
                        ExternalTarget.parse("s3main=" + s3.targetUri("ext", "fs1")),
                        ExternalTarget.parse("nas1=nas://" + dir.resolve("nas")),
                        ExternalTarget.parse("down=s3://ext?endpoint=http://127.0.0.1:" + closedPort + "&path-style=true"))));
    client = new RpcClient("test-client");
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    daemon.close();
    zk.close();
  }

  private <R extends Message> R call(String method, Message req, Parser<R> parser) throws Exception {
    try (RpcResponse<R> r = client.call(daemon.address(), method, req, Unpooled.EMPTY_BUFFER, parser, TIMEOUT).get(40, TimeUnit.SECONDS)) {
      return r.body();
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private byte[] readExternal(String target, long chunkId, long generation, long length, long offset, int n) throws Exception {
    ReadExternalRequest req =
        ReadExternalRequest.newBuilder()
            .setChunkId(chunkId).setTarget(target).setGeneration(generation).setLength(length).setOffset(offset).setReadLength(n)
            .build();
    try (RpcResponse<ReadChunkReply> r =
        client.call(daemon.address(), Methods.STORAGE_READ_EXTERNAL, req, Unpooled.EMPTY_BUFFER, ReadChunkReply.parser(), TIMEOUT)
            .get(40, TimeUnit.SECONDS)) {
      assertThat(r.body().getLength()).isEqualTo(r.data().readableBytes());
      assertThat(r.body().getChunkLength()).isEqualTo(length);
      return ByteBufUtil.getBytes(r.data());
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private long upload(String target, long chunkId, long generation) throws Exception {
    return call(
            Methods.STORAGE_UPLOAD,
            UploadChunkRequest.newBuilder().setChunkId(chunkId).setDevice("d0").setTarget(target).setGeneration(generation).build(),
            StorageReply.parser())
        .getChunkLength();
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static StatusCode code(Throwable t) {
    return ((StrataException) t).code();
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3main", "nas1"})
  void uploadReadExternalRestoreRoundTrip(String target) throws Exception {
    byte[] bytes = random(9 * MIB + 5, 1);
    daemon.store().write(21, "d0", 0, Unpooled.wrappedBuffer(bytes), true);
    assertThat(upload(target, 21, 1)).isEqualTo(bytes.length);

    long len = bytes.length;
    assertThat(readExternal(target, 21, 1, len, 0, 100)).isEqualTo(Arrays.copyOfRange(bytes, 0, 100));
    int across = 4 * MIB - 10; // spans the first object boundary
    assertThat(readExternal(target, 21, 1, len, across, 20)).isEqualTo(Arrays.copyOfRange(bytes, across, across + 20));
    assertThat(readExternal(target, 21, 1, len, len - 3, 100)).isEqualTo(Arrays.copyOfRange(bytes, bytes.length - 3, bytes.length));
    assertThat(readExternal(target, 21, 1, len, len + 1, 100)).isEmpty();
    assertThat(readExternal(target, 21, 1, len, 0, 8 * MIB)).isEqualTo(Arrays.copyOfRange(bytes, 0, 8 * MIB));

    // Restore onto the other device, over an older and longer replica there.
    daemon.store().write(21, "d1", 0, Unpooled.wrappedBuffer(random(10 * MIB, 2)), false);
    long restored =
        call(
                Methods.STORAGE_RESTORE,
                RestoreChunkRequest.newBuilder()
                    .setChunkId(21).setDevice("d1").setTarget(target).setGeneration(1).setLength(len).setVersion(3).build(),
                StorageReply.parser())
            .getChunkLength();
    assertThat(restored).isEqualTo(len);
    assertThat(Files.readAllBytes(daemon.store().chunkPath(21, "d1"))).isEqualTo(bytes);
    assertThat(daemon.store().version(21, "d1")).isEqualTo(3);
    try (var r = daemon.store().read(21, "d1", 0, bytes.length)) {
      assertThat(ByteBufUtil.getBytes(r.data())).isEqualTo(bytes); // checksums rebuilt too
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3main", "nas1"})
  void deleteExternalKeepsNewerGenerations(String target) throws Exception {
    for (int gen = 1; gen <= 3; gen++) {
      daemon.store().write(22, "d0", 0, Unpooled.wrappedBuffer(random(5 * MIB, gen)), false);
      assertThat(upload(target, 22, gen)).isEqualTo(5 * MIB);
    }
    call(Methods.STORAGE_DELETE_EXTERNAL, DeleteExternalRequest.newBuilder().setChunkId(22).setTarget(target).setKeepFrom(3).build(), StorageReply.parser());
    for (int gen = 1; gen <= 2; gen++) {
      int g = gen;
      assertThatThrownBy(() -> readExternal(target, 22, g, 5 * MIB, 0, 10)).satisfies(e -> assertThat(code(e)).isEqualTo(StatusCode.NOT_FOUND));
    }
    assertThat(readExternal(target, 22, 3, 5 * MIB, 4 * MIB, 10)).isEqualTo(Arrays.copyOfRange(random(5 * MIB, 3), 4 * MIB, 4 * MIB + 10));
    call(Methods.STORAGE_DELETE_EXTERNAL, DeleteExternalRequest.newBuilder().setChunkId(22).setTarget(target).build(), StorageReply.parser());
    assertThatThrownBy(() -> readExternal(target, 22, 3, 5 * MIB, 0, 10)).satisfies(e -> assertThat(code(e)).isEqualTo(StatusCode.NOT_FOUND));
  }

  @Test
  void emptyChunkRoundTripsAndAbsentChunkIsNotUploaded() throws Exception {
    daemon.store().truncate(23, "d0", 0, true);
    assertThat(upload("nas1", 23, 1)).isZero();
    assertThat(readExternal("nas1", 23, 1, 0, 0, 10)).isEmpty();
    long restored =
        call(
                Methods.STORAGE_RESTORE,
                RestoreChunkRequest.newBuilder().setChunkId(23).setDevice("d1").setTarget("nas1").setGeneration(1).setVersion(2).build(),
                StorageReply.parser())
            .getChunkLength();
    assertThat(restored).isZero();
    assertThat(daemon.store().holds(23, "d1")).isTrue();
    assertThatThrownBy(() -> upload("nas1", 24, 1))
        .satisfies(e -> assertThat(code(e)).isEqualTo(StatusCode.NOT_FOUND))
        .hasMessageContaining(String.format("%016x", 24));
  }

  @Test
  void restoreBelowTheSeenVersionIsRefusedAndKeepsTheReplica() throws Exception {
    byte[] bytes = random(1000, 5);
    daemon.store().write(25, "d0", 0, Unpooled.wrappedBuffer(bytes), true, 7);
    assertThat(upload("nas1", 25, 1)).isEqualTo(1000);
    assertThatThrownBy(
            () -> call(
                Methods.STORAGE_RESTORE,
                RestoreChunkRequest.newBuilder().setChunkId(25).setDevice("d0").setTarget("nas1").setGeneration(1).setLength(1000).setVersion(6).build(),
                StorageReply.parser()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(StatusCode.STALE_VERSION));
    try (var r = daemon.store().read(25, "d0", 0, 1000)) {
      assertThat(ByteBufUtil.getBytes(r.data())).isEqualTo(bytes);
    }
  }

  @Test
  void unknownTargetIsNotFoundNamingIt() {
    assertThatThrownBy(() -> upload("nope", 26, 1))
        .satisfies(e -> assertThat(code(e)).isEqualTo(StatusCode.NOT_FOUND))
        .hasMessageContaining("'nope'")
        .hasMessageContaining("s3main");
  }

  @Test
  void s3DownFailsUnavailableNamingTheEndpointAndLocalReadsGoOn() throws Exception {
    byte[] bytes = random(1000, 6);
    daemon.store().write(27, "d0", 0, Unpooled.wrappedBuffer(bytes), true);
    assertThatThrownBy(() -> upload("down", 27, 1))
        .satisfies(e -> assertThat(code(e)).isEqualTo(StatusCode.UNAVAILABLE))
        .hasMessageContaining("127.0.0.1:" + closedPort);
    ReadChunkRequest read = ReadChunkRequest.newBuilder().setChunkId(27).setDevice("d0").setLength(1000).build();
    try (RpcResponse<ReadChunkReply> r =
        client.call(daemon.address(), Methods.STORAGE_READ, read, Unpooled.EMPTY_BUFFER, ReadChunkReply.parser(), TIMEOUT).get(40, TimeUnit.SECONDS)) {
      assertThat(ByteBufUtil.getBytes(r.data())).isEqualTo(bytes);
    }
  }

  @Test
  void registrationListsTargetsWithoutCredentialsAndDeviceIncarnations() throws Exception {
    try (CuratorFramework c = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      c.start();
      StorageRegistration reg = StorageRegistration.parseFrom(c.getData().forPath(ZkPaths.storage("fs1", "s1")));
      assertThat(reg.getExternalsList())
          .extracting(ExternalTargetStat::getName, ExternalTargetStat::getMedia)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("s3main", "s3"),
              org.assertj.core.groups.Tuple.tuple("nas1", "nas"),
              org.assertj.core.groups.Tuple.tuple("down", "s3"));
      assertThat(reg.getExternals(0).getUri()).isEqualTo(s3.targetUri("ext", "fs1")).doesNotContain(S3ProxyServer.SECRET_KEY);
      assertThat(reg.getDevicesList()).allSatisfy(d -> assertThat(d.getIncarnation()).isPositive());
    }
  }
}
