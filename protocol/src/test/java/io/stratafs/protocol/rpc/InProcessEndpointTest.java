package io.stratafs.protocol.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.wire.Empty;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server's endpoint for callers in its own JVM (ADR 034): the same calls and answers as its
 * sockets, the handler on the caller's own thread, replies from other threads waited for until the
 * deadline, and a name that lives exactly as long as the server.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InProcessEndpointTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final TestService service = new TestService();
  private final AtomicReference<Thread> handlerThread = new AtomicReference<>();
  private final ExecutorService completer = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-completer"));
  private final CountDownLatch neverAnswered = new CountDownLatch(1);
  private RpcServer server;
  private InProcessAddress address;
  private BlockingRpcConnection connection;

  @BeforeEach
  void start() {
    server =
        service.builder("local")
            .handler("test.Where", Empty.parser(), call -> {
              handlerThread.set(Thread.currentThread());
              return RpcReply.of(Empty.getDefaultInstance());
            })
            .asyncHandler("test.Later", WriteChunkRequest.parser(), call -> CompletableFuture.supplyAsync(
                () -> RpcReply.of(WriteChunkReply.newBuilder().setChunkLength(call.request().getChunkId()).build()),
                CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS, completer)))
            .asyncHandler("test.Never", Empty.parser(), call -> CompletableFuture.supplyAsync(() -> {
              try {
                neverAnswered.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return RpcReply.of(Empty.getDefaultInstance());
            }, completer))
            .build()
            .start();
    address = server.serveInProcess("local-test:1");
    connection = BlockingRpcConnection.open(address, RpcServer.DEFAULT_MAX_FRAME_BYTES);
  }

  @AfterEach
  void stop() {
    service.unblock.countDown();
    neverAnswered.countDown();
    connection.close();
    server.close();
    completer.shutdownNow();
  }

  @Test
  void theCallersOwnThreadRunsTheHandlerAndBulkDataTravelsBothWays() {
    assertThat(InProcessAddress.served("local-test:1")).contains(address);
    connection.call("test.Where", Empty.getDefaultInstance(), Empty.parser(), 0, TIMEOUT);
    assertThat(handlerThread.get()).isSameAs(Thread.currentThread());

    TestService.assertBulkDataTravelsBothWaysInStep(connection, TIMEOUT);
    assertThat(server.openConnections()).isEqualTo(1);
  }

  @Test
  void errorsAreAnsweredAsOverASocket() {
    TestService.assertErrorsAreAnsweredAndTheConnectionSurvives(connection, TIMEOUT);
    assertThat(connection.isOpen()).isTrue();
  }

  @Test
  void aReplyFromAnotherThreadIsWaitedForAndALateOneTimesOut() {
    WriteChunkReply later =
        connection.call("test.Later", WriteChunkRequest.newBuilder().setChunkId(5).build(), WriteChunkReply.parser(), 0, TIMEOUT);
    assertThat(later.getChunkLength()).isEqualTo(5);

    assertThatThrownBy(() -> connection.call("test.Never", Empty.getDefaultInstance(), Empty.parser(), 0, Duration.ofMillis(200)))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.TIMED_OUT))
        .hasMessageContaining("timed out after 200 ms");
    assertThat(connection.isOpen()).isFalse();
  }

  @Test
  void aSecondServerCannotTakeTheNameAndAServerServesOneName() {
    try (RpcServer other = service.builder("other").build().start()) {
      assertThatThrownBy(() -> other.serveInProcess("local-test:1"))
          .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.BUSY))
          .hasMessageContaining("already served in this process by local");
    }
    assertThatThrownBy(() -> server.serveInProcess("local-test:2")).isInstanceOf(IllegalStateException.class);
    assertThat(InProcessAddress.served("local-test:2")).isEmpty();
  }

  @Test
  void closingTheServerDropsTheNameAndLaterCallsAreUnavailable() {
    server.close();
    assertThat(InProcessAddress.served("local-test:1")).isEmpty();
    assertThat(connection.isOpen()).isFalse();
    assertThatThrownBy(() -> connection.call(TestService.ECHO, WriteChunkRequest.getDefaultInstance(), WriteChunkReply.parser(), 0, TIMEOUT))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
    assertThatThrownBy(() -> BlockingRpcConnection.open(address, RpcServer.DEFAULT_MAX_FRAME_BYTES))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE))
        .hasMessageContaining("in-process:local-test:1");
  }

  @Test
  void aClosedConnectionWakesItsWaitingReader() throws Exception {
    CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        connection.call("test.Never", Empty.getDefaultInstance(), Empty.parser(), 0, TIMEOUT);
        return null;
      } catch (StrataException e) {
        return e;
      }
    });
    Thread.sleep(100);
    connection.close();
    assertThat(waiting.get(5, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
  }

  @Test
  void anOversizedOrUnreadableFrameClosesTheConnectionWithoutACall() throws Exception {
    InProcessStream big = InProcessStream.connect(address);
    ByteBuf oversized = frame(RpcServer.DEFAULT_MAX_FRAME_BYTES + 1);
    try {
      assertThatThrownBy(() -> big.writeFrame(oversized)).isInstanceOf(IOException.class).hasMessageContaining("over the");
    } finally {
      oversized.release();
    }
    assertThat(big.isOpen()).isFalse();

    InProcessStream garbage = InProcessStream.connect(address);
    ByteBuf unreadable = frame(3);
    try {
      assertThatThrownBy(() -> garbage.writeFrame(unreadable)).isInstanceOf(IOException.class).hasMessageContaining("unreadable");
    } finally {
      unreadable.release();
    }
    assertThat(garbage.isOpen()).isFalse();

    InProcessStream cut = InProcessStream.connect(address);
    ByteBuf wrongPrefix = Unpooled.buffer().writeInt(10).writeBytes(new byte[] {1, 2, 3});
    try {
      assertThatThrownBy(() -> cut.writeFrame(wrongPrefix)).isInstanceOf(IOException.class).hasMessageContaining("length prefix");
    } finally {
      wrongPrefix.release();
    }
    assertThat(server.openConnections()).as("only the test's own connection").isEqualTo(1);
  }

  /** A length prefix of {@code length} and that many bytes of 1s: no frame of ours. */
  private static ByteBuf frame(int length) {
    ByteBuf b = Unpooled.buffer(4 + length).writeInt(length);
    return b.writeBytes(new byte[length]).setByte(4, 1);
  }
}
