package io.stratafs.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.rpc.RpcResponse;
import io.stratafs.protocol.storage.ChainHop;
import io.stratafs.protocol.storage.CopyChunkRequest;
import io.stratafs.protocol.storage.ReadChunkReply;
import io.stratafs.protocol.storage.ReadChunkRequest;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.protocol.storage.SyncChunkRequest;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chain replication, versions and healing copies (docs/adr/017) across three real daemons on
 * 127.0.0.1 registered in a real ZooKeeper.
 */
@Timeout(120)
class ReplicationRpcTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final int MIB = 1 << 20;

  @TempDir Path dir;
  private TestingServer zk;
  private final List<StorageDaemon> daemons = new ArrayList<>();
  private final List<ChainHop> hops = new ArrayList<>();
  private RpcClient client;

  @BeforeEach
  void setUp() throws Exception {
    zk = new TestingServer(true);
    for (int i = 0; i < 3; i++) {
      daemons.add(start("s" + i));
      hops.add(
          ChainHop.newBuilder()
              .setStorageId("s" + i)
              .setAddress("127.0.0.1:" + daemons.get(i).address().getPort())
              .setDevice("d0")
              .build());
    }
    client = new RpcClient("test-client");
  }

  private StorageDaemon start(String id) {
    return StorageDaemon.start(
        new StorageConfig(
                id,
                List.of(DeviceSpec.parse("ssd:" + dir.resolve(id), "d0")),
                zk.getConnectString(),
                "fs1",
                "127.0.0.1",
                0,
                Map.of("node", id))
            .withScrubRate(0));
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    for (StorageDaemon d : daemons) {
      d.close();
    }
    zk.close();
  }

  /** Where daemon {@code i} was started (still valid after it is closed, for dead-hop tests). */
  private ChainHop hop(int i) {
    return hops.get(i);
  }

  private WriteChunkReply write(int head, List<Integer> downstream, long chunkId, long version, long offset, byte[] bytes)
      throws Exception {
    WriteChunkRequest.Builder req =
        WriteChunkRequest.newBuilder().setChunkId(chunkId).setVersion(version).setDevice("d0").setOffset(offset).setSync(true);
    for (int i : downstream) {
      req.addDownstream(hop(i));
    }
    try (RpcResponse<WriteChunkReply> r =
        call(head, Methods.STORAGE_WRITE, req.build(), bytes, WriteChunkReply.parser())) {
      return r.body();
    }
  }

  private <R extends com.google.protobuf.Message> RpcResponse<R> call(
      int daemon, String method, com.google.protobuf.Message req, byte[] data, com.google.protobuf.Parser<R> parser)
      throws Exception {
    try {
      return client
          .call(daemons.get(daemon).address(), method, req, Unpooled.wrappedBuffer(data), parser, TIMEOUT)
          .get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private byte[] read(int daemon, long chunkId, int length) throws Exception {
    ReadChunkRequest req = ReadChunkRequest.newBuilder().setChunkId(chunkId).setDevice("d0").setLength(length).build();
    try (RpcResponse<ReadChunkReply> r = call(daemon, Methods.STORAGE_READ, req, new byte[0], ReadChunkReply.parser())) {
      return ByteBufUtil.getBytes(r.data());
    }
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void writeThroughTheHeadReachesAllThreeReplicas() throws Exception {
    byte[] bytes = random(3 * MIB + 17, 1);
    WriteChunkReply reply = write(0, List.of(1, 2), 11, 1, 0, bytes);
    assertThat(reply.getFailedList()).isEmpty();
    assertThat(reply.getChunkLength()).isEqualTo(bytes.length);
    for (int i = 0; i < 3; i++) {
      assertThat(read(i, 11, bytes.length)).as("replica s" + i).isEqualTo(bytes);
      assertThat(Files.readAllBytes(daemons.get(i).store().chunkPath(11, "d0"))).isEqualTo(bytes);
    }
    SyncChunkRequest sync =
        SyncChunkRequest.newBuilder().setChunkId(11).setDevice("d0").addDownstream(hop(1)).addDownstream(hop(2)).build();
    try (RpcResponse<StorageReply> r = call(0, Methods.STORAGE_SYNC, sync, new byte[0], StorageReply.parser())) {
      assertThat(r.body().getFailedList()).isEmpty();
      assertThat(r.body().getChunkLength()).isEqualTo(bytes.length);
    }
  }

  @Test
  void deadTailIsReportedFailedAndTheWriteSucceeds() throws Exception {
    daemons.get(2).close();
    byte[] bytes = random(64 * 1024, 2);
    WriteChunkReply reply = write(0, List.of(1, 2), 12, 1, 0, bytes);
    assertThat(reply.getFailedList()).containsExactly("s2");
    assertThat(read(0, 12, bytes.length)).isEqualTo(bytes);
    assertThat(read(1, 12, bytes.length)).isEqualTo(bytes);
  }

  @Test
  void deadMiddleIsReportedWithEverythingBehindIt() throws Exception {
    daemons.get(1).close();
    byte[] bytes = random(1000, 3);
    WriteChunkReply reply = write(0, List.of(1, 2), 13, 1, 0, bytes);
    assertThat(reply.getFailedList()).containsExactly("s1", "s2");
    assertThat(read(0, 13, bytes.length)).isEqualTo(bytes);
    // Sync is forwarded the same way: the tail never saw the chunk, the middle is gone.
    SyncChunkRequest sync =
        SyncChunkRequest.newBuilder().setChunkId(13).setDevice("d0").addDownstream(hop(1)).addDownstream(hop(2)).build();
    try (RpcResponse<StorageReply> r = call(0, Methods.STORAGE_SYNC, sync, new byte[0], StorageReply.parser())) {
      assertThat(r.body().getFailedList()).containsExactly("s1", "s2");
    }
  }

  @Test
  void syncOfAChunkATailLostReportsTheTail() throws Exception {
    write(0, List.of(1, 2), 14, 1, 0, random(100, 4));
    daemons.get(2).store().delete(14, "d0");
    SyncChunkRequest sync =
        SyncChunkRequest.newBuilder().setChunkId(14).setDevice("d0").addDownstream(hop(1)).addDownstream(hop(2)).build();
    try (RpcResponse<StorageReply> r = call(0, Methods.STORAGE_SYNC, sync, new byte[0], StorageReply.parser())) {
      assertThat(r.body().getFailedList()).containsExactly("s2");
    }
  }

  @Test
  void staleVersionAnywhereInTheChainFailsTheWholeCall() throws Exception {
    write(0, List.of(1, 2), 15, 1, 0, random(100, 5));
    daemons.get(2).store().adoptVersion(15, "d0", 3); // as after a heal that the writer missed
    assertThatThrownBy(() -> write(0, List.of(1, 2), 15, 2, 0, random(100, 6)))
        .isInstanceOf(StrataException.class)
        .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(StatusCode.STALE_VERSION))
        .hasMessageContaining("s2");
    // The head adopted version 2 from the refused call; version 3 goes through everywhere.
    assertThat(write(0, List.of(1, 2), 15, 3, 0, random(100, 7)).getFailedList()).isEmpty();
    assertThat(daemons.get(0).store().version(15, "d0")).isEqualTo(3);
  }

  @Test
  void versionAdoptedThroughTheChainSurvivesARestart() throws Exception {
    write(0, List.of(1, 2), 16, 5, 0, random(100, 8));
    daemons.get(1).close();
    daemons.set(1, start("s1"));
    assertThat(daemons.get(1).store().version(16, "d0")).isEqualTo(5);
    assertThatThrownBy(() -> write(1, List.of(), 16, 4, 0, random(10, 9)))
        .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(StatusCode.STALE_VERSION));
  }

  @Test
  void copyFencesOldVersionWritesAndTheCopyIsIdentical() throws Exception {
    byte[] bytes = random(9 * MIB + 3, 10); // several 4 MiB pieces, the last short
    write(0, List.of(1), 17, 1, 0, bytes);
    // A stale copy left at the destination by an earlier attempt, longer than the chunk.
    daemons.get(2).store().write(17, "d0", 0, Unpooled.wrappedBuffer(random(10 * MIB, 11)), false);
    CopyChunkRequest copy = CopyChunkRequest.newBuilder().setChunkId(17).setDevice("d0").setNewVersion(2).setDest(hop(2)).build();
    try (RpcResponse<StorageReply> r = call(1, Methods.STORAGE_COPY, copy, new byte[0], StorageReply.parser())) {
      assertThat(r.body().getChunkLength()).isEqualTo(bytes.length);
    }
    assertThat(Files.readAllBytes(daemons.get(2).store().chunkPath(17, "d0"))).isEqualTo(bytes);
    assertThat(daemons.get(2).store().version(17, "d0")).isEqualTo(2);
    // The source now refuses writes of a writer that still has version 1.
    assertThatThrownBy(() -> write(1, List.of(), 17, 1, 0, random(10, 12)))
        .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(StatusCode.STALE_VERSION));
    // A writer with the new chain and version reaches source and copy.
    byte[] more = random(1000, 13);
    assertThat(write(0, List.of(1, 2), 17, 2, 0, more).getFailedList()).isEmpty();
    assertThat(read(2, 17, 1000)).isEqualTo(more);
  }

  @Test
  void copyOfAnAbsentChunkLeavesAnEmptyDurableChunkAtTheDestination() throws Exception {
    daemons.get(2).store().write(18, "d0", 0, Unpooled.wrappedBuffer(random(500, 14)), false);
    CopyChunkRequest copy = CopyChunkRequest.newBuilder().setChunkId(18).setDevice("d0").setNewVersion(4).setDest(hop(2)).build();
    try (RpcResponse<StorageReply> r = call(0, Methods.STORAGE_COPY, copy, new byte[0], StorageReply.parser())) {
      assertThat(r.body().getChunkLength()).isZero();
    }
    assertThat(daemons.get(2).store().holds(18, "d0")).isTrue();
    assertThat(Files.size(daemons.get(2).store().chunkPath(18, "d0"))).isZero();
    assertThat(daemons.get(2).store().version(18, "d0")).isEqualTo(4);
    assertThat(daemons.get(0).store().version(18, "d0")).isEqualTo(4);
  }

  @Test
  void copyToAnUnreachableDestinationFails() throws Exception {
    write(0, List.of(), 19, 1, 0, random(100, 15));
    daemons.get(2).close();
    CopyChunkRequest copy = CopyChunkRequest.newBuilder().setChunkId(19).setDevice("d0").setNewVersion(2).setDest(hop(2)).build();
    assertThatThrownBy(() -> call(0, Methods.STORAGE_COPY, copy, new byte[0], StorageReply.parser()))
        .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(StatusCode.UNAVAILABLE))
        .hasMessageContaining("127.0.0.1:" + hop(2).getAddress().split(":")[1]);
    // The source still serves its chunk and accepts writes at the new version.
    assertThat(read(0, 19, 100)).isEqualTo(random(100, 15));
  }

  @Test
  void copyToAnotherDeviceOfTheSameDaemonDoesNotWaitForItsOwnLock() throws Exception {
    StorageDaemon two =
        StorageDaemon.start(
            new StorageConfig(
                    "s9",
                    List.of(DeviceSpec.parse("ssd:" + dir.resolve("s9a"), "d0"), DeviceSpec.parse("hdd:" + dir.resolve("s9b"), "d1")),
                    zk.getConnectString(), "fs1", "127.0.0.1", 0, Map.of())
                .withScrubRate(0));
    daemons.add(two);
    byte[] bytes = random(5 * MIB, 16);
    two.store().write(20, "d0", 0, Unpooled.wrappedBuffer(bytes), false);
    ChainHop dest = ChainHop.newBuilder().setStorageId("s9").setAddress("127.0.0.1:" + two.address().getPort()).setDevice("d1").build();
    CopyChunkRequest copy = CopyChunkRequest.newBuilder().setChunkId(20).setDevice("d0").setNewVersion(2).setDest(dest).build();
    try (RpcResponse<StorageReply> r = call(3, Methods.STORAGE_COPY, copy, new byte[0], StorageReply.parser())) {
      assertThat(r.body().getChunkLength()).isEqualTo(bytes.length);
    }
    assertThat(Files.readAllBytes(two.store().chunkPath(20, "d1"))).isEqualTo(bytes);
    assertThat(two.store().version(20, "d1")).isEqualTo(2);
    assertThat(two.store().version(20, "d0")).isEqualTo(2);
  }
}
