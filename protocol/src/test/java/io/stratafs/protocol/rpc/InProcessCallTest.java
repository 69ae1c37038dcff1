package io.stratafs.protocol.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.wire.Empty;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link RpcClient} calls to an address a server of this JVM serves in-process (ADR 035): the
 * handler runs on the server's threads, no socket is opened, and bulk data, errors, timeouts,
 * epochs, frame limits and the server stopping behave as over a connection.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InProcessCallTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final TestService service = new TestService();
  private final AtomicReference<Thread> handlerThread = new AtomicReference<>();
  private final ExecutorService serverThreads =
      Executors.newCachedThreadPool(r -> new Thread(r, "server-handler"));
  private RpcServer server;
  private RpcClient client;
  private InetSocketAddress address;

  @BeforeEach
  void start() {
    server =
        service.builder("local")
            .blockingExecutor(serverThreads)
            .handler("test.Where", Empty.parser(), call -> {
              handlerThread.set(Thread.currentThread());
              return RpcReply.of(Empty.getDefaultInstance());
            })
            .build()
            .start();
    address = RpcClient.parseAddress("127.0.0.1:" + server.port());
    server.serveInProcess("127.0.0.1:" + server.port());
    client = new RpcClient("in-process-client");
  }

  @AfterEach
  void stop() {
    service.unblock.countDown();
    client.close();
    server.close();
    serverThreads.shutdownNow();
  }

  @Test
  void theServersThreadsRunTheHandlerAndNoSocketIsOpened() {
    client.callSync(address, "test.Where", Empty.getDefaultInstance(), Empty.parser());
    assertThat(handlerThread.get().getName()).isEqualTo("server-handler");

    byte[] sent = TestService.randomBytes(1 << 20);
    try (RpcResponse<WriteChunkReply> response =
        client.call(address, TestService.ECHO, WriteChunkRequest.newBuilder().setChunkId(1).build(), TestService.wrap(sent),
                WriteChunkReply.parser(), TIMEOUT)
            .join()) {
      assertThat(response.body().getChunkLength()).isEqualTo(1 + sent.length);
      assertThat(TestService.bytes(response.data())).isEqualTo(sent);
    }
    assertThat(server.openConnections()).isZero();
  }

  @Test
  void twoHundredConcurrentCallsEachGetTheirOwnBytesBack() {
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      payloads.add(TestService.randomBytes(i % 3 == 0 ? 0 : ThreadLocalRandom.current().nextInt(1, 300_000)));
    }
    TestService.assertConcurrentEchoes(client, address, payloads, TIMEOUT);
  }

  @Test
  void errorsReachTheCallerAsOverASocket() {
    assertThatThrownBy(() -> client.callSync(address, TestService.NOT_EMPTY, Empty.getDefaultInstance(), Empty.parser()))
        .isInstanceOfSatisfying(StrataException.class, e -> {
          assertThat(e.code()).isEqualTo(StatusCode.NOT_EMPTY);
          assertThat(e.getMessage()).isEqualTo("directory /a is not empty");
        });
    assertThatThrownBy(() -> client.callSync(address, TestService.CRASH, Empty.getDefaultInstance(), Empty.parser()))
        .isInstanceOfSatisfying(StrataException.class, e -> {
          assertThat(e.code()).isEqualTo(StatusCode.INTERNAL);
          assertThat(e.getMessage()).contains("boom");
        });
    assertThatThrownBy(() -> client.callSync(address, "test.Nope", Empty.getDefaultInstance(), Empty.parser()))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.NOT_IMPLEMENTED));
  }

  @Test
  void aBlockedHandlerTimesTheCallOutAndItsLateReplyIsDropped() throws Exception {
    CompletableFuture<RpcResponse<Empty>> future =
        client.call(address, TestService.BLOCK, Empty.getDefaultInstance(), Unpooled.EMPTY_BUFFER, Empty.parser(), Duration.ofMillis(200));
    assertThatThrownBy(future::join)
        .satisfies(e -> {
          StrataException se = StrataException.unwrap(e);
          assertThat(se.code()).isEqualTo(StatusCode.TIMED_OUT);
          assertThat(se.getMessage()).contains(TestService.BLOCK).contains("200 ms");
        });
    service.unblock.countDown(); // the handler answers now, to nobody
    client.setEpoch(9);
    assertThat(client.callSync(address, TestService.EPOCH, Empty.getDefaultInstance(), StorageReply.parser()).getChunkLength())
        .isEqualTo(9);
  }

  @Test
  void aRequestOverTheClientsFrameLimitFailsAndItsDataIsReleased() {
    try (RpcClient small = new RpcClient("small-frames", 4096)) {
      ByteBuf data = TestService.wrap(TestService.randomBytes(8192));
      CompletableFuture<RpcResponse<WriteChunkReply>> future =
          small.call(address, TestService.ECHO, WriteChunkRequest.getDefaultInstance(), data, WriteChunkReply.parser(), TIMEOUT);
      assertThatThrownBy(future::join)
          .satisfies(e -> {
            StrataException se = StrataException.unwrap(e);
            assertThat(se.code()).isEqualTo(StatusCode.INVALID_ARGUMENT);
            assertThat(se.getMessage()).contains("4096-byte frame limit");
          });
      assertThat(data.refCnt()).isZero();
    }
  }

  @Test
  void stoppingTheServerFailsACallInFlightUnavailable() throws Exception {
    CompletableFuture<RpcResponse<Empty>> future =
        client.call(address, TestService.BLOCK, Empty.getDefaultInstance(), Unpooled.EMPTY_BUFFER, Empty.parser(), TIMEOUT);
    assertThat(service.blocked.await(10, TimeUnit.SECONDS)).isTrue();
    server.close();
    assertThatThrownBy(future::join)
        .satisfies(e -> {
          StrataException se = StrataException.unwrap(e);
          assertThat(se.code()).isEqualTo(StatusCode.UNAVAILABLE);
          assertThat(se.getMessage()).contains("stopped before answering " + TestService.BLOCK);
        });
    // The name is gone with the server: the next call tries the socket, which is closed too.
    assertThat(InProcessAddress.served("127.0.0.1:" + address.getPort())).isEmpty();
    assertThatThrownBy(() -> client.callSync(address, TestService.EPOCH, Empty.getDefaultInstance(), StorageReply.parser()))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
  }
}
