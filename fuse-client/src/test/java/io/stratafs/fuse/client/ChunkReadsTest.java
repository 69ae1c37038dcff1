package io.stratafs.fuse.client;

import static io.stratafs.fuse.client.HandWrittenCluster.INO;
import static io.stratafs.fuse.client.HandWrittenCluster.replica;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.fuse.client.HandWrittenCluster.StorageHandlers;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.ExternalCopy;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.storage.ExternalTargetStat;
import io.stratafs.protocol.storage.ReadChunkReply;
import io.stratafs.protocol.storage.ReadExternalRequest;
import io.stratafs.protocol.storage.StorageRegistration;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Read fallback across replicas and external copies, against real RPC servers. */
@Timeout(60)
class ChunkReadsTest {
  private static final LongFunction<Caller> CALLER = sid -> Caller.newBuilder().setSessionId(sid).build();
  private static final byte[] BYTES = "the only good bytes".getBytes(StandardCharsets.UTF_8);

  private static StorageHandlers serving(byte[] bytes) {
    return new StorageHandlers(
        null,
        null,
        call -> RpcReply.of(ReadChunkReply.newBuilder().setLength(bytes.length).setChunkLength(bytes.length).build(), Unpooled.wrappedBuffer(bytes)),
        null);
  }

  private static StorageHandlers corrupt() {
    return new StorageHandlers(
        null,
        null,
        call -> {
          throw StrataException.of(StatusCode.CORRUPT, "block 0 of chunk 99 fails its CRC");
        },
        null);
  }

  private static ChunkReads reads(HandWrittenCluster c, String clientHost) {
    return new ChunkReads(c.storageClient(), c.locations, new ReplicaOrder(clientHost), c.metaClient.storageDirectory(), c.recovery, null);
  }

  private static String read(ChunkReads r, ChunkInfo chunk) {
    ByteBuffer dst = ByteBuffer.allocate(BYTES.length);
    int n = Futures.await(r.read(CALLER, INO, chunk, 0, dst));
    return new String(dst.array(), 0, n, StandardCharsets.UTF_8);
  }

  /** The same read made by the test's (platform) thread on its own connection. */
  private static String readOnThisThread(ChunkReads r, ChunkInfo chunk, ByteBuffer dst) {
    java.util.concurrent.CompletableFuture<Integer> read = r.read(CALLER, INO, chunk, 0, dst, true);
    int n = Futures.await(read);
    return new String(dst.array(), dst.arrayOffset() + dst.position(), n, StandardCharsets.UTF_8);
  }

  @Test
  void aReadOnTheCallersThreadLandsAtTheBuffersPositionAndFallsBackLikeAnyOther() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      Replica bad = replica("s1", c.startStorage("s1", corrupt()));
      Replica good = replica("s2", c.startStorage("s2", serving(BYTES)));
      c.chunk = ChunkInfo.newBuilder().setChunkId(99).setVersion(3).addReplicas(good).build();
      c.connect();
      ChunkReads reads = reads(c, "client-host");
      ByteBuffer dst = ByteBuffer.allocate(BYTES.length + 4).position(4);

      assertThat(readOnThisThread(reads, c.chunk, dst)).isEqualTo(new String(BYTES, StandardCharsets.UTF_8));
      assertThat(dst.position()).as("not moved").isEqualTo(4);
      assertThat(dst.array()[3]).as("nothing before the position").isZero();

      ChunkInfo withBadFirst = c.chunk.toBuilder().clearReplicas().addReplicas(bad).addReplicas(good).build();
      assertThat(readOnThisThread(reads, withBadFirst, ByteBuffer.allocate(BYTES.length)))
          .isEqualTo(new String(BYTES, StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(10)).until(() -> !c.exclusions.isEmpty());
      assertThat(c.exclusions.get(0).getStorageId()).isEqualTo("s1");
    }
  }

  @Test
  void aShortReadOnAStaleViewIsRepeatedOnTheCurrentOneNeverZeroFilled() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      // s1 was excluded and its copy deleted (or is being re-created by healing): an empty chunk.
      Replica emptied = replica("s1", c.startStorage("s1", serving(new byte[0])));
      Replica current = replica("s2", c.startStorage("s2", serving(BYTES)));
      ChunkInfo stale = ChunkInfo.newBuilder().setChunkId(99).setVersion(3).addReplicas(emptied).build();
      c.chunk = stale.toBuilder().setVersion(4).clearReplicas().addReplicas(current).build();
      c.connect();

      assertThat(read(reads(c, "client-host"), stale)).isEqualTo(new String(BYTES, StandardCharsets.UTF_8));
    }
  }

  @Test
  void aShortReadOnTheCurrentViewIsAHole() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      Replica r = replica("s1", c.startStorage("s1", serving(Arrays.copyOf(BYTES, 5))));
      c.chunk = ChunkInfo.newBuilder().setChunkId(99).setVersion(3).addReplicas(r).build();
      c.connect();

      assertThat(read(reads(c, "client-host"), c.chunk)).isEqualTo(new String(BYTES, 0, 5, StandardCharsets.UTF_8));
    }
  }

  @Test
  void aCorruptReplicaIsSkippedAndReported() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      Replica bad = replica("s1", c.startStorage("s1", corrupt()));
      Replica good = replica("s2", c.startStorage("s2", serving(BYTES)));
      c.chunk = ChunkInfo.newBuilder().setChunkId(99).setVersion(3).addReplicas(bad).addReplicas(good).build();
      c.connect();

      assertThat(read(reads(c, "client-host"), c.chunk)).isEqualTo(new String(BYTES, StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(10)).until(() -> !c.exclusions.isEmpty());
      assertThat(c.exclusions.get(0).getStorageId()).isEqualTo("s1");
      assertThat(c.exclusions.get(0).getReason()).isEqualTo("corrupt");
      assertThat(c.exclusions.get(0).getVersion()).isEqualTo(3);
    }
  }

  @Test
  void aCurrentExternalCopyIsReadThroughADaemonThatReachesItsTarget() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      List<ReadExternalRequest> asked = new CopyOnWriteArrayList<>();
      String gateway =
          c.startStorage(
              "s9",
              new StorageHandlers(
                  null,
                  null,
                  null,
                  call -> {
                    asked.add(call.request());
                    return RpcReply.of(ReadChunkReply.newBuilder().setLength(BYTES.length).build(), Unpooled.wrappedBuffer(BYTES));
                  }));
      c.register(
          StorageRegistration.newBuilder()
              .setStorageId("s9")
              .setAddress(gateway)
              .addExternals(ExternalTargetStat.newBuilder().setName("ext1").setMedia("s3"))
              .build());
      ExternalCopy current =
          ExternalCopy.newBuilder().setTarget("ext1").setMedia("s3").setGeneration(4).setLength(BYTES.length).setUploadedSeq(9).build();
      c.chunk =
          ChunkInfo.newBuilder()
              .setChunkId(99)
              .setVersion(3)
              .addReplicas(replica("s1", c.deadAddress()))
              .addExternals(current)
              .setDirtySeq(9)
              .build();
      c.connect();
      ChunkReads r = reads(c, "client-host");
      await().atMost(Duration.ofSeconds(10)).until(() -> !c.metaClient.storageDirectory().daemonsFor("ext1", c.chunk).isEmpty());

      assertThat(read(r, c.chunk)).isEqualTo(new String(BYTES, StandardCharsets.UTF_8));
      assertThat(asked).hasSize(1);
      assertThat(asked.get(0).getTarget()).isEqualTo("ext1");
      assertThat(asked.get(0).getGeneration()).isEqualTo(4);
      assertThat(asked.get(0).getLength()).isEqualTo(BYTES.length);
      assertThat(asked.get(0).getReadLength()).isEqualTo(BYTES.length);
    }
  }

  @Test
  void anExternalCopyThatIsBehindIsNeverRead() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      c.chunk =
          ChunkInfo.newBuilder()
              .setIndex(2)
              .setChunkId(99)
              .setVersion(3)
              .addReplicas(replica("s1", c.deadAddress()))
              .addExternals(ExternalCopy.newBuilder().setTarget("ext1").setGeneration(4).setUploadedSeq(8))
              .setDirtySeq(9)
              .build();
      c.connect();

      assertThatThrownBy(() -> read(reads(c, "client-host"), c.chunk))
          .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE))
          .hasMessageContaining("chunk 2 of inode 42 has no readable replica");
    }
  }

  @Test
  void sameHostReplicasComeFirst() {
    ReplicaOrder order = new ReplicaOrder("client-host");
    Replica far = replica("far", "192.0.2.7:7000");
    Replica near = replica("near", "127.0.0.1:7001");
    Replica named = replica("named", "client-host:7002");
    assertThat(order.forRead(List.of(far, near, named))).containsExactly(near, named, far);
  }
}
