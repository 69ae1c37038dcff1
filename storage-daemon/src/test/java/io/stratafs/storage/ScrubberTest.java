package io.stratafs.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.common.ZkPaths;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.storage.DeleteChunkRequest;
import io.stratafs.protocol.storage.StorageRegistration;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.storage.chunk.ReadResult;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Corrupt replicas found by the scrubber or a read are published in ZooKeeper, and leave with the replica. */
@Timeout(120)
class ScrubberTest {
  @TempDir Path dir;
  private TestingServer zk;
  private CuratorFramework curator;
  private StorageDaemon daemon;

  @BeforeEach
  void setUp() throws Exception {
    zk = new TestingServer(true);
    curator = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
    curator.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    curator.close();
    zk.close();
  }

  private void start(long scrubRate) {
    daemon =
        StorageDaemon.start(
            new StorageConfig(
                    "s1", List.of(DeviceSpec.parse("ssd:" + dir.resolve("d0"), "d0")), zk.getConnectString(), "fs1", "127.0.0.1", 0, Map.of())
                .withScrubRate(scrubRate)
                .withScrubInterval(Duration.ofSeconds(1)));
  }

  private List<String> published() throws Exception {
    return StorageRegistration.parseFrom(curator.getData().forPath(ZkPaths.storage("fs1", "s1"))).getCorruptChunksList();
  }

  private void writeAndFlip(long chunkId, int n, long flipAt) throws Exception {
    byte[] bytes = new byte[n];
    new Random(chunkId).nextBytes(bytes);
    daemon.store().write(chunkId, "d0", 0, Unpooled.wrappedBuffer(bytes), true);
    try (FileChannel ch = FileChannel.open(daemon.store().chunkPath(chunkId, "d0"), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {(byte) ~bytes[(int) flipAt]}), flipAt);
      ch.force(true);
    }
  }

  @Test
  void scrubberFindsAFlippedByteAndTheRegistrationListsItUntilDeleted() throws Exception {
    start(1L << 30);
    writeAndFlip(0x31, 3 << 20, (2 << 20) + 5);
    writeAndFlip(0x32, 200_000, 10); // a second, so the pass visits more than one
    daemon.store().write(0x33, "d0", 0, Unpooled.wrappedBuffer(new byte[100_000]), true); // a sound one
    // Bounded by the scrubber's pass (1 GiB/s over a few MiB, then a 1 s pause) and the prompt refresh.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(
        () -> assertThat(published()).containsExactly("d0/0000000000000031", "d0/0000000000000032"));

    try (RpcClient client = new RpcClient("test")) {
      client.callSync(daemon.address(), Methods.STORAGE_DELETE, DeleteChunkRequest.newBuilder().setChunkId(0x31).setDevice("d0").build(), StorageReply.parser());
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(published()).containsExactly("d0/0000000000000032"));
  }

  @Test
  void aReadThatHitsCorruptionListsTheChunkWithTheScrubberOff() throws Exception {
    start(0);
    assertThat(daemon.scrubber().running()).isFalse();
    writeAndFlip(0x41, 100_000, 70_000);
    try (ReadResult r = daemon.store().read(0x41, "d0", 0, 1000)) {
      assertThat(r.data().readableBytes()).isEqualTo(1000); // the first block is sound
    }
    assertThatThrownBy(() -> daemon.store().read(0x41, "d0", 69_632, 1000).close())
        .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(StatusCode.CORRUPT));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(published()).containsExactly("d0/0000000000000041"));
    // Truncating to 0 leaves no block to be corrupt: the chunk leaves the list.
    daemon.store().truncate(0x41, "d0", 0, true);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(published()).isEmpty());
  }
}
