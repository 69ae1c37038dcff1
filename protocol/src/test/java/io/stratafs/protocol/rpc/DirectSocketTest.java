package io.stratafs.protocol.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.wire.Empty;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The direct listener on a Unix domain socket (ADR 033): the same calls and answers as its TCP
 * port, a deadline that a socket without read timeouts still keeps, and a socket file that lives
 * exactly as long as the server.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DirectSocketTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final TestService service = new TestService();
  private final AtomicReference<String> handlerThread = new AtomicReference<>();
  @TempDir Path dir;
  private Path socket;
  private RpcServer server;
  private BlockingRpcConnection connection;

  @BeforeEach
  void start() {
    socket = dir.resolve("direct.sock");
    server =
        service.builder("unix")
            .handler(
                "test.Where",
                Empty.parser(),
                call -> {
                  handlerThread.set(Thread.currentThread().getName());
                  return RpcReply.of(Empty.getDefaultInstance());
                })
            .directSocket(socket)
            .build()
            .start();
    connection = BlockingRpcConnection.open(UnixDomainSocketAddress.of(socket), RpcServer.DEFAULT_MAX_FRAME_BYTES);
  }

  @AfterEach
  void stop() {
    service.unblock.countDown();
    connection.close();
    server.close();
  }

  @Test
  void theSocketsOwnThreadRunsTheHandlerAndBulkDataTravelsBothWays() {
    assertThat(server.directSocket()).isEqualTo(socket);
    assertThat(server.directAddress()).as("no TCP direct listener was asked for").isNull();
    connection.call("test.Where", Empty.getDefaultInstance(), Empty.parser(), 0, TIMEOUT);
    assertThat(handlerThread.get()).startsWith("rpc-direct-unix-unix-");

    TestService.assertBulkDataTravelsBothWaysInStep(connection, TIMEOUT);
    assertThat(server.openConnections()).isEqualTo(1);
  }

  @Test
  void errorsAreAnsweredAsOverTcp() {
    TestService.assertErrorsAreAnsweredAndTheConnectionSurvives(connection, TIMEOUT);
    assertThat(connection.isOpen()).isTrue();
    assertThat(connection.call(TestService.ECHO, WriteChunkRequest.newBuilder().setChunkId(4).build(), WriteChunkReply.parser(), 0, TIMEOUT)
        .getChunkLength()).isEqualTo(4);
  }

  @Test
  void aLateReplyIsTimedOutAndClosesTheConnection() {
    assertThatThrownBy(() -> connection.call(TestService.BLOCK, Empty.getDefaultInstance(), Empty.parser(), 0, Duration.ofMillis(300)))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.TIMED_OUT))
        .hasMessageContaining("timed out after 300 ms");
    assertThat(connection.isOpen()).isFalse();
    assertThatThrownBy(() -> connection.call(TestService.ECHO, WriteChunkRequest.getDefaultInstance(), WriteChunkReply.parser(), 0, TIMEOUT))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
  }

  @Test
  void aCallInTimeIsNotCutByAnEarlierCallsDeadline() throws Exception {
    // Deadlines are armed per call: one that passed while the connection sat idle closes nothing.
    connection.call(TestService.ECHO, WriteChunkRequest.getDefaultInstance(), WriteChunkReply.parser(), 0, Duration.ofMillis(100));
    Thread.sleep(4 * UnixSocketStream.CHECK_MILLIS);
    assertThat(connection.isOpen()).isTrue();
    assertThat(connection.call(TestService.ECHO, WriteChunkRequest.newBuilder().setChunkId(3).build(), WriteChunkReply.parser(), 0, TIMEOUT)
        .getChunkLength()).isEqualTo(3);
  }

  @Test
  void closingTheServerRemovesTheSocketAndLaterConnectsAreUnavailable() {
    assertThat(socket).exists();
    server.close();
    assertThat(socket).doesNotExist();
    assertThatThrownBy(() -> connection.call(TestService.ECHO, WriteChunkRequest.getDefaultInstance(), WriteChunkReply.parser(), 0, TIMEOUT))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
    assertThatThrownBy(() -> BlockingRpcConnection.open(UnixDomainSocketAddress.of(socket), RpcServer.DEFAULT_MAX_FRAME_BYTES))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE))
        .hasMessageContaining(socket.toString());
  }

  @Test
  void aPathThatIsTakenFailsTheStartAndIsLeftAlone() throws Exception {
    Path taken = Files.writeString(dir.resolve("taken.sock"), "not a socket");
    RpcServer.Builder other = service.builder("taken").directSocket(taken);
    assertThatThrownBy(() -> other.build().start())
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE))
        .hasMessageContaining(taken.toString());
    assertThat(Files.readString(taken)).isEqualTo("not a socket");
  }
}
