package io.stratafs.fuse.client;

import static io.stratafs.fuse.client.HandWrittenCluster.INO;
import static io.stratafs.fuse.client.HandWrittenCluster.replica;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.fuse.client.HandWrittenCluster.StorageHandlers;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The chain-write recovery rules of docs/adr/017 against real RPC servers with hand-written handlers. */
@Timeout(60)
class ChunkWritesTest {
  private static final LongFunction<Caller> CALLER = sid -> Caller.newBuilder().setSessionId(sid).build();
  private static final byte[] BYTES = "replicated bytes".getBytes(StandardCharsets.UTF_8);

  /** What a storage server received: request and bytes. */
  record Received(WriteChunkRequest request, byte[] data) {}

  private static StorageHandlers writes(List<Received> log, List<String> failed) {
    return new StorageHandlers(
        call -> {
          log.add(new Received(call.request(), ByteBufUtil.getBytes(call.data())));
          return RpcReply.of(WriteChunkReply.newBuilder().setChunkLength(BYTES.length).addAllFailed(failed).build());
        },
        call -> RpcReply.of(StorageReply.newBuilder().addAllFailed(failed).build()),
        null,
        null);
  }

  private static ChunkInfo chunk(long version, io.stratafs.protocol.meta.Replica... replicas) {
    return ChunkInfo.newBuilder().setIndex(0).setChunkId(99).setVersion(version).addAllReplicas(List.of(replicas)).build();
  }

  @Test
  void downstreamFailureIsExcludedAndTheWriteSucceedsOnTheSurvivors() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      List<Received> head = new CopyOnWriteArrayList<>();
      String a = c.startStorage("s1", writes(head, List.of("s2")));
      c.chunk = chunk(5, replica("s1", a), replica("s2", c.deadAddress()));
      c.connect();
      ChunkWrites w = new ChunkWrites(c.storageClient(), c.locations, "client-host", c.recovery);

      ChunkInfo after = Futures.await(w.write(CALLER, INO, c.chunk, 0, Unpooled.wrappedBuffer(BYTES), false));

      assertThat(head).hasSize(1);
      assertThat(head.get(0).request().getVersion()).isEqualTo(5);
      assertThat(head.get(0).request().getDownstreamList()).extracting(h -> h.getStorageId()).containsExactly("s2");
      assertThat(c.exclusions).hasSize(1);
      assertThat(c.exclusions.get(0).getStorageId()).isEqualTo("s2");
      assertThat(c.exclusions.get(0).getVersion()).isEqualTo(5);
      assertThat(c.exclusions.get(0).getReason()).startsWith("write failed");
      assertThat(after.getVersion()).isEqualTo(6);
      assertThat(after.getReplicasList()).extracting(r -> r.getStorageId()).containsExactly("s1");
    }
  }

  @Test
  void unreachableHeadIsExcludedAndTheSameBytesGoToTheNewHead() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      List<Received> second = new CopyOnWriteArrayList<>();
      String b = c.startStorage("s2", writes(second, List.of()));
      c.chunk = chunk(1, replica("s1", c.deadAddress()), replica("s2", b));
      c.connect();
      ChunkWrites w = new ChunkWrites(c.storageClient(), c.locations, "client-host", c.recovery);
      io.netty.buffer.ByteBuf data = Unpooled.wrappedBuffer(BYTES);

      ChunkInfo after = Futures.await(w.write(CALLER, INO, c.chunk, 7, data, true));

      assertThat(c.exclusions).extracting(x -> x.getStorageId()).containsExactly("s1");
      assertThat(second).hasSize(1);
      assertThat(second.get(0).data()).isEqualTo(BYTES);
      assertThat(second.get(0).request().getOffset()).isEqualTo(7);
      assertThat(second.get(0).request().getSync()).isTrue();
      assertThat(second.get(0).request().getVersion()).isEqualTo(2);
      assertThat(second.get(0).request().getDownstreamList()).isEmpty();
      assertThat(after.getReplicasList()).extracting(r -> r.getStorageId()).containsExactly("s2");
      assertThat(data.refCnt()).as("the write released its buffer").isZero();
    }
  }

  @Test
  void aFullLastReplicaFailsTheWriteWithNoSpace() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      String a =
          c.startStorage(
              "s1",
              new StorageHandlers(
                  call -> {
                    throw StrataException.of(StatusCode.NO_SPACE, "device d0 is full");
                  },
                  null,
                  null,
                  null));
      c.chunk = chunk(1, replica("s1", a));
      c.connect();
      ChunkWrites w = new ChunkWrites(c.storageClient(), c.locations, "client-host", c.recovery);

      assertThatThrownBy(() -> Futures.await(w.write(CALLER, INO, c.chunk, 0, Unpooled.wrappedBuffer(BYTES), false)))
          .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.NO_SPACE))
          .hasMessageContaining("last copy")
          .hasMessageContaining("device d0 is full");
      assertThat(c.exclusions).extracting(x -> x.getStorageId()).containsExactly("s1");
    }
  }

  @Test
  void anUnreachableLastReplicaFailsTheWriteWithUnavailable() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      c.chunk = chunk(1, replica("s1", c.deadAddress()));
      c.connect();
      ChunkWrites w = new ChunkWrites(c.storageClient(), c.locations, "client-host", c.recovery);

      assertThatThrownBy(() -> Futures.await(w.write(CALLER, INO, c.chunk, 0, Unpooled.wrappedBuffer(BYTES), false)))
          .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code().errno()).isEqualTo(StatusCode.IO_ERROR.errno()))
          .hasMessageContaining("last copy");
    }
  }

  @Test
  void staleVersionRefetchesTheChunkAndRetries() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      List<Received> accepted = new CopyOnWriteArrayList<>();
      String a =
          c.startStorage(
              "s1",
              new StorageHandlers(
                  call -> {
                    if (call.request().getVersion() < 3) {
                      throw StrataException.of(StatusCode.STALE_VERSION, "chunk at version 3, got %d", call.request().getVersion());
                    }
                    accepted.add(new Received(call.request(), ByteBufUtil.getBytes(call.data())));
                    return RpcReply.of(WriteChunkReply.getDefaultInstance());
                  },
                  null,
                  null,
                  null));
      ChunkInfo old = chunk(2, replica("s1", a));
      c.chunk = chunk(3, replica("s1", a));
      c.connect();
      ChunkWrites w = new ChunkWrites(c.storageClient(), c.locations, "client-host", c.recovery);

      ChunkInfo after = Futures.await(w.write(CALLER, INO, old, 0, Unpooled.wrappedBuffer(BYTES), false));

      assertThat(after.getVersion()).isEqualTo(3);
      assertThat(accepted).hasSize(1);
      assertThat(accepted.get(0).data()).isEqualTo(BYTES);
      assertThat(c.exclusions).isEmpty();
    }
  }

  @Test
  void aChunkWithoutLocalReplicaGetsOneBeforeTheWrite() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      List<Received> staging = new CopyOnWriteArrayList<>();
      String a = c.startStorage("s1", writes(staging, List.of()));
      c.chunk = chunk(4);
      c.afterEnsure = chunk(5, replica("s1", a));
      c.connect();
      ChunkWrites w = new ChunkWrites(c.storageClient(), c.locations, "client-host", c.recovery);

      ChunkInfo after = Futures.await(w.write(CALLER, INO, c.chunk, 0, Unpooled.wrappedBuffer(BYTES), false));

      assertThat(c.ensures).hasSize(1);
      assertThat(c.ensures.get(0).getClientHost()).isEqualTo("client-host");
      assertThat(staging).hasSize(1);
      assertThat(after.getVersion()).isEqualTo(5);
    }
  }

  @Test
  void syncExcludesDownstreamReplicasThatFailed() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      String a = c.startStorage("s1", writes(new CopyOnWriteArrayList<>(), List.of("s3")));
      c.chunk = chunk(1, replica("s1", a), replica("s3", c.deadAddress()));
      c.connect();
      ChunkWrites w = new ChunkWrites(c.storageClient(), c.locations, "client-host", c.recovery);

      ChunkInfo after = Futures.await(w.sync(CALLER, INO, c.chunk));

      assertThat(c.exclusions).extracting(x -> x.getStorageId()).containsExactly("s3");
      assertThat(after.getReplicasList()).extracting(r -> r.getStorageId()).containsExactly("s1");
    }
  }

  @Test
  void aWriteOnTheCallersThreadIsMadeBeforeItReturnsAndFollowsTheSameRules() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      List<Received> head = new CopyOnWriteArrayList<>();
      StorageHandlers slow = writes(head, List.of("s2"));
      String a =
          c.startStorage(
              "s1",
              new StorageHandlers(
                  call -> {
                    Thread.sleep(200); // the event loop's future could not be done on return
                    return slow.write().handle(call);
                  },
                  null,
                  null,
                  null));
      c.chunk = chunk(5, replica("s1", a), replica("s2", c.deadAddress()));
      c.connect();
      ChunkWrites w = new ChunkWrites(c.storageClient(), c.locations, "client-host", c.recovery);
      io.netty.buffer.ByteBuf data = Unpooled.wrappedBuffer(BYTES);

      java.util.concurrent.CompletableFuture<ChunkInfo> write = w.write(CALLER, INO, c.chunk, 3, data, true, true);

      assertThat(head).as("sent and answered before write returned").hasSize(1);
      assertThat(head.get(0).data()).isEqualTo(BYTES);
      assertThat(head.get(0).request().getOffset()).isEqualTo(3);
      assertThat(head.get(0).request().getSync()).isTrue();
      assertThat(head.get(0).request().getDownstreamList()).extracting(h -> h.getStorageId()).containsExactly("s2");
      ChunkInfo after = Futures.await(write);
      assertThat(c.exclusions).extracting(x -> x.getStorageId()).containsExactly("s2");
      assertThat(after.getReplicasList()).extracting(r -> r.getStorageId()).containsExactly("s1");
      assertThat(data.refCnt()).as("the write released its buffer").isZero();
    }
  }

  @Test
  void onTheCallersThreadAnUnreachableHeadIsExcludedAndTheSameBytesGoToTheNewHead() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      List<Received> second = new CopyOnWriteArrayList<>();
      String b = c.startStorage("s2", writes(second, List.of()));
      c.chunk = chunk(1, replica("s1", c.deadAddress()), replica("s2", b));
      c.connect();
      ChunkWrites w = new ChunkWrites(c.storageClient(), c.locations, "client-host", c.recovery);
      io.netty.buffer.ByteBuf data = Unpooled.wrappedBuffer(BYTES);

      ChunkInfo after = Futures.await(w.write(CALLER, INO, c.chunk, 7, data, true, true));

      assertThat(c.exclusions).extracting(x -> x.getStorageId()).containsExactly("s1");
      assertThat(second).hasSize(1);
      assertThat(second.get(0).data()).isEqualTo(BYTES);
      assertThat(second.get(0).request().getVersion()).isEqualTo(2);
      assertThat(after.getReplicasList()).extracting(r -> r.getStorageId()).containsExactly("s2");
      assertThat(data.refCnt()).as("the write released its buffer").isZero();
    }
  }

  @Test
  void onTheCallersThreadAFullLastReplicaFailsTheWriteWithNoSpace() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      String a =
          c.startStorage(
              "s1",
              new StorageHandlers(
                  call -> {
                    throw StrataException.of(StatusCode.NO_SPACE, "device d0 is full");
                  },
                  null,
                  null,
                  null));
      c.chunk = chunk(1, replica("s1", a));
      c.connect();
      ChunkWrites w = new ChunkWrites(c.storageClient(), c.locations, "client-host", c.recovery);

      assertThatThrownBy(() -> Futures.await(w.write(CALLER, INO, c.chunk, 0, Unpooled.wrappedBuffer(BYTES), true, true)))
          .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.NO_SPACE))
          .hasMessageContaining("last copy")
          .hasMessageContaining("device d0 is full");
    }
  }

  @Test
  void onTheCallersThreadAStaleVersionRefetchesTheChunkAndRetries() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      List<Received> accepted = new CopyOnWriteArrayList<>();
      String a =
          c.startStorage(
              "s1",
              new StorageHandlers(
                  call -> {
                    if (call.request().getVersion() < 3) {
                      throw StrataException.of(StatusCode.STALE_VERSION, "chunk at version 3, got %d", call.request().getVersion());
                    }
                    accepted.add(new Received(call.request(), ByteBufUtil.getBytes(call.data())));
                    return RpcReply.of(WriteChunkReply.getDefaultInstance());
                  },
                  null,
                  null,
                  null));
      c.chunk = chunk(3, replica("s1", a));
      c.connect();
      ChunkWrites w = new ChunkWrites(c.storageClient(), c.locations, "client-host", c.recovery);

      ChunkInfo after = Futures.await(w.write(CALLER, INO, chunk(2, replica("s1", a)), 0, Unpooled.wrappedBuffer(BYTES), false, true));

      assertThat(after.getVersion()).isEqualTo(3);
      assertThat(accepted).extracting(r -> r.data()).containsExactly(BYTES);
    }
  }

  @Test
  void aStartedWriteIsInFlightWhileTheThreadWorksAndFinishesWithTheSameRules() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      List<Received> head = new CopyOnWriteArrayList<>();
      java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
      StorageHandlers recording = writes(head, List.of("s2"));
      String a =
          c.startStorage(
              "s1",
              new StorageHandlers(
                  call -> {
                    arrived.countDown();
                    return recording.write().handle(call);
                  },
                  null,
                  null,
                  null));
      c.chunk = chunk(5, replica("s1", a), replica("s2", c.deadAddress()));
      c.connect();
      ChunkWrites w = new ChunkWrites(c.storageClient(), c.locations, "client-host", c.recovery);
      io.netty.buffer.ByteBuf data = Unpooled.wrappedBuffer(BYTES);

      ChunkWrites.Started started = w.start(CALLER, INO, c.chunk, 11, data, true);
      assertThat(arrived.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("sent before finish").isTrue();
      ChunkInfo after = Futures.await(started.finish());

      assertThat(head).hasSize(1);
      assertThat(head.get(0).data()).isEqualTo(BYTES);
      assertThat(head.get(0).request().getOffset()).isEqualTo(11);
      assertThat(head.get(0).request().getSync()).isTrue();
      assertThat(c.exclusions).extracting(x -> x.getStorageId()).containsExactly("s2");
      assertThat(after.getReplicasList()).extracting(r -> r.getStorageId()).containsExactly("s1");
      assertThat(data.refCnt()).as("the write released its buffer").isZero();
    }
  }

  @Test
  void aStartedWriteToAnUnreachableHeadGoesToTheNewHeadWhenFinished() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      List<Received> second = new CopyOnWriteArrayList<>();
      String b = c.startStorage("s2", writes(second, List.of()));
      c.chunk = chunk(1, replica("s1", c.deadAddress()), replica("s2", b));
      c.connect();
      ChunkWrites w = new ChunkWrites(c.storageClient(), c.locations, "client-host", c.recovery);
      io.netty.buffer.ByteBuf data = Unpooled.wrappedBuffer(BYTES);

      ChunkInfo after = Futures.await(w.start(CALLER, INO, c.chunk, 7, data, true).finish());

      assertThat(c.exclusions).extracting(x -> x.getStorageId()).containsExactly("s1");
      assertThat(second).extracting(r -> r.data()).containsExactly(BYTES);
      assertThat(after.getReplicasList()).extracting(r -> r.getStorageId()).containsExactly("s2");
      assertThat(data.refCnt()).as("the write released its buffer").isZero();
    }
  }
}
