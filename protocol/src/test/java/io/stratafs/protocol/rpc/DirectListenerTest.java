package io.stratafs.protocol.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.wire.Empty;
import io.stratafs.protocol.rpc.wire.RpcHeader;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The direct listener: a second port where each connection's own thread runs the handlers. The
 * same calls and answers as the Netty port, and a peer that sends garbage loses only its own
 * connection.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DirectListenerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final TestService service = new TestService();
  private final AtomicReference<String> handlerThread = new AtomicReference<>();
  private RpcServer server;
  private BlockingRpcConnection connection;

  @BeforeEach
  void start() {
    server =
        service.builder("direct")
            .handler(
                "test.Where",
                Empty.parser(),
                call -> {
                  handlerThread.set(Thread.currentThread().getName());
                  return RpcReply.of(Empty.getDefaultInstance());
                })
            .directListener(new InetSocketAddress("127.0.0.1", 0))
            .build()
            .start();
    connection = BlockingRpcConnection.open(direct(), RpcServer.DEFAULT_MAX_FRAME_BYTES);
  }

  @AfterEach
  void stop() {
    service.unblock.countDown();
    connection.close();
    server.close();
  }

  private InetSocketAddress direct() {
    return InetSocketAddress.createUnresolved("127.0.0.1", server.directAddress().getPort());
  }

  @Test
  void aServerWithoutOneHasNoDirectAddress() {
    RpcServer plain = service.start("plain");
    try {
      assertThat(plain.directAddress()).isNull();
      assertThat(server.directAddress().getPort()).isNotEqualTo(server.port()).isPositive();
    } finally {
      plain.close();
    }
  }

  @Test
  void theConnectionsOwnThreadRunsTheHandler() {
    connection.call("test.Where", Empty.getDefaultInstance(), Empty.parser(), 0, TIMEOUT);
    assertThat(handlerThread.get()).startsWith("rpc-direct-direct-");
  }

  @Test
  void bulkDataLargerThanTheReadAheadTravelsBothWaysAndCallsStayInStep() {
    TestService.assertBulkDataTravelsBothWaysInStep(connection, TIMEOUT);
  }

  @Test
  void errorsAreAnsweredAsOnTheNettyPort() {
    TestService.assertErrorsAreAnsweredAndTheConnectionSurvives(connection, TIMEOUT);
  }

  @Test
  void aBodyThatDoesNotParseIsAProtocolErrorAndTheConnectionStays() throws Exception {
    try (Socket raw = new Socket("127.0.0.1", server.directAddress().getPort())) {
      raw.setSoTimeout(10_000);
      DataOutputStream out = new DataOutputStream(raw.getOutputStream());
      out.write(
          RawFrames.frame(
              RpcHeader.newBuilder().setCallId(5).setMethod(TestService.ECHO).build().toByteArray(),
              new byte[] {(byte) 0xFF, (byte) 0xFF},
              new byte[0]));
      RpcHeader reply = RawFrames.readReplyHeader(raw);
      assertThat(reply.getCallId()).isEqualTo(5);
      assertThat(StatusCode.fromWire(reply.getStatus())).isEqualTo(StatusCode.PROTOCOL_ERROR);
      out.write(RawFrames.request(6, TestService.ECHO, WriteChunkRequest.getDefaultInstance()));
      assertThat(RawFrames.readReplyHeader(raw).getCallId()).isEqualTo(6);
    }
  }

  @Test
  void garbageOrAnOversizedFrameClosesOnlyThatConnection() throws Exception {
    try (Socket garbage = new Socket("127.0.0.1", server.directAddress().getPort());
        Socket oversized = new Socket("127.0.0.1", server.directAddress().getPort())) {
      garbage.setSoTimeout(10_000);
      oversized.setSoTimeout(10_000);
      garbage.getOutputStream().write(RawFrames.frame(new byte[] {1, 2, 3}, new byte[0], new byte[0]));
      new DataOutputStream(oversized.getOutputStream()).writeInt(RpcServer.DEFAULT_MAX_FRAME_BYTES + 1);
      RawFrames.assertClosedByServer(garbage);
      RawFrames.assertClosedByServer(oversized);
    }
    assertThat(connection.call(TestService.ECHO, WriteChunkRequest.newBuilder().setChunkId(2).build(), WriteChunkReply.parser(), 0, TIMEOUT)
        .getChunkLength()).isEqualTo(2);
  }

  @Test
  void closingTheServerClosesDirectConnectionsAndReleasesWhatTheyRead() {
    ByteBuf data = TestService.wrap(TestService.randomBytes(1000));
    connection.call(TestService.ECHO, WriteChunkRequest.getDefaultInstance(), data, WriteChunkReply.parser(), 0, TIMEOUT);
    assertThat(server.openConnections()).isEqualTo(1);

    server.close();

    assertThatThrownBy(() -> connection.call(TestService.ECHO, WriteChunkRequest.getDefaultInstance(), WriteChunkReply.parser(), 0, TIMEOUT))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
    assertThatThrownBy(() -> BlockingRpcConnection.open(direct(), RpcServer.DEFAULT_MAX_FRAME_BYTES))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
  }
}
