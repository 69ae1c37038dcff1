package io.stratafs.protocol.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.wire.Empty;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The blocking per-thread connection speaks the same frames as RpcClient to a real RpcServer. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BlockingRpcConnectionTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final TestService service = new TestService();
  private RpcServer server;
  private BlockingRpcConnection connection;

  @BeforeEach
  void start() {
    server = service.start("blocking");
    connection = BlockingRpcConnection.open(address(server), RpcServer.DEFAULT_MAX_FRAME_BYTES);
  }

  @AfterEach
  void stop() {
    service.unblock.countDown();
    connection.close();
    server.close();
  }

  private static InetSocketAddress address(RpcServer s) {
    return InetSocketAddress.createUnresolved("127.0.0.1", s.port());
  }

  @Test
  void callsInARowOnOneConnectionEachGetTheirReply() {
    for (int i = 1; i <= 3; i++) {
      WriteChunkReply reply =
          connection.call(TestService.ECHO, WriteChunkRequest.newBuilder().setChunkId(i).build(), WriteChunkReply.parser(), 0, TIMEOUT);
      assertThat(reply.getChunkLength()).isEqualTo(i);
    }
    assertThat(connection.isOpen()).isTrue();
  }

  @Test
  void bulkDataTravelsAfterTheRequestAndIsReleasedOnceSent() {
    byte[] bytes = new byte[200_000]; // larger than the connection's send buffer: passes through it
    new java.util.Random(7).nextBytes(bytes);
    io.netty.buffer.ByteBuf data = io.netty.buffer.Unpooled.wrappedBuffer(bytes);

    WriteChunkReply reply =
        connection.call(TestService.ECHO, WriteChunkRequest.newBuilder().setChunkId(3).build(), data, WriteChunkReply.parser(), 0, TIMEOUT);

    assertThat(reply.getChunkLength()).isEqualTo(3 + bytes.length);
    assertThat(data.refCnt()).isZero();
    assertThat(connection.call(TestService.ECHO, WriteChunkRequest.newBuilder().setChunkId(4).build(), WriteChunkReply.parser(), 0, TIMEOUT)
        .getChunkLength()).as("the stream is still in step").isEqualTo(4);
  }

  @Test
  void aReplysDataIsCopiedFromTheBuffersPositionAsFarAsItFits() {
    byte[] bytes = "echoed back".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.nio.ByteBuffer dst = java.nio.ByteBuffer.allocate(8).position(2);

    BlockingRpcConnection.Sent<WriteChunkReply> sent =
        connection.send(TestService.ECHO, WriteChunkRequest.getDefaultInstance(), io.netty.buffer.Unpooled.wrappedBuffer(bytes),
            WriteChunkReply.parser(), 0, TIMEOUT);

    assertThat(sent.reply(dst).getChunkLength()).isEqualTo(bytes.length);
    assertThat(sent.dataBytes()).isEqualTo(6);
    assertThat(dst.position()).isEqualTo(2);
    assertThat(new String(dst.array(), 2, 6, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("echoed");
  }

  @Test
  void dataForAClosedConnectionIsReleasedWithTheRefusal() {
    connection.close();
    io.netty.buffer.ByteBuf data = io.netty.buffer.Unpooled.wrappedBuffer(new byte[10]);

    assertThatThrownBy(() -> connection.call(TestService.ECHO, WriteChunkRequest.getDefaultInstance(), data, WriteChunkReply.parser(), 0, TIMEOUT))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
    assertThat(data.refCnt()).isZero();
  }

  @Test
  void aSentCallWaitsWhileTheThreadCallsElsewhereThenGivesItsReply() {
    try (BlockingRpcConnection other = BlockingRpcConnection.open(address(server), RpcServer.DEFAULT_MAX_FRAME_BYTES)) {
      BlockingRpcConnection.Sent<WriteChunkReply> sent =
          connection.send(TestService.ECHO, WriteChunkRequest.newBuilder().setChunkId(8).build(),
              io.netty.buffer.Unpooled.wrappedBuffer(new byte[5]), WriteChunkReply.parser(), 0, TIMEOUT);

      assertThat(other.call(TestService.EPOCH, Empty.getDefaultInstance(), StorageReply.parser(), 9, TIMEOUT).getChunkLength())
          .isEqualTo(9);
      assertThat(sent.reply().getChunkLength()).isEqualTo(13);
      assertThatThrownBy(sent::reply).isInstanceOf(IllegalStateException.class).hasMessageContaining("read already");
      assertThat(connection.isOpen()).isTrue();
    }
  }

  @Test
  void aCallSentBeforeTheLastReplyWasReadIsRefusedAndEndsTheConnection() {
    connection.send(TestService.ECHO, WriteChunkRequest.getDefaultInstance(), io.netty.buffer.Unpooled.EMPTY_BUFFER, WriteChunkReply.parser(), 0, TIMEOUT);
    io.netty.buffer.ByteBuf data = io.netty.buffer.Unpooled.wrappedBuffer(new byte[3]);

    assertThatThrownBy(() -> connection.send(TestService.ECHO, WriteChunkRequest.getDefaultInstance(), data, WriteChunkReply.parser(), 0, TIMEOUT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("unanswered");
    assertThat(data.refCnt()).isZero();
    assertThat(connection.isOpen()).as("the unread reply would answer the next call").isFalse();
  }

  @Test
  void theEpochTravelsInTheHeader() {
    StorageReply reply = connection.call(TestService.EPOCH, Empty.getDefaultInstance(), StorageReply.parser(), 42, TIMEOUT);
    assertThat(reply.getChunkLength()).isEqualTo(42);
  }

  @Test
  void aServerErrorIsItsStatusAndLeavesTheConnectionUsable() {
    assertThatThrownBy(() -> connection.call(TestService.NOT_EMPTY, Empty.getDefaultInstance(), Empty.parser(), 0, TIMEOUT))
        .isInstanceOfSatisfying(StrataException.class, e -> {
          assertThat(e.code()).isEqualTo(StatusCode.NOT_EMPTY);
          assertThat(e.getMessage()).isEqualTo("directory /a is not empty");
        });
    assertThat(connection.isOpen()).isTrue();
    assertThat(connection.call(TestService.ECHO, WriteChunkRequest.newBuilder().setChunkId(5).build(), WriteChunkReply.parser(), 0, TIMEOUT)
        .getChunkLength()).isEqualTo(5);
  }

  @Test
  void aLateReplyIsTimedOutAndClosesTheConnection() {
    assertThatThrownBy(() -> connection.call(TestService.BLOCK, Empty.getDefaultInstance(), Empty.parser(), 0, Duration.ofMillis(200)))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.TIMED_OUT));
    assertThat(connection.isOpen()).isFalse();
    assertThatThrownBy(() -> connection.call(TestService.ECHO, WriteChunkRequest.getDefaultInstance(), WriteChunkReply.parser(), 0, TIMEOUT))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
  }

  @Test
  void aServerThatGoesAwayGivesNoReplyAndNobodyListeningIsUnavailable() {
    InetSocketAddress gone = address(server);
    server.close();
    // A server on its way down may close the socket (UNAVAILABLE) or leave the request unanswered
    // until the caller's deadline (TIMED_OUT); either way no reply, and the connection is done.
    assertThatThrownBy(() -> connection.call(
            TestService.ECHO, WriteChunkRequest.getDefaultInstance(), WriteChunkReply.parser(), 0, Duration.ofSeconds(2)))
        .isInstanceOfSatisfying(
            StrataException.class, e -> assertThat(e.code()).isIn(StatusCode.UNAVAILABLE, StatusCode.TIMED_OUT));
    assertThat(connection.isOpen()).isFalse();
    assertThatThrownBy(() -> BlockingRpcConnection.open(gone, RpcServer.DEFAULT_MAX_FRAME_BYTES))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
  }
}
