package io.stratafs.protocol.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RpcRoundTripTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final TestService service = new TestService();
  private RpcServer server;
  private RpcClient client;
  private InetSocketAddress address;

  @BeforeEach
  void start() {
    server = service.start("roundtrip");
    client = new RpcClient("roundtrip-client");
    address = server.address();
  }

  @AfterEach
  void stop() {
    service.unblock.countDown();
    client.close();
    server.close();
  }

  @Test
  void roundTripWithoutData() {
    WriteChunkReply reply =
        client.callSync(
            address, TestService.ECHO, WriteChunkRequest.newBuilder().setChunkId(41).build(), WriteChunkReply.parser());
    assertThat(reply.getChunkLength()).isEqualTo(41);
  }

  @Test
  void roundTripWithBulkDataReturnsTheSameBytes() {
    byte[] sent = TestService.randomBytes(1 << 20);
    try (RpcResponse<WriteChunkReply> response =
        client
            .call(address, TestService.ECHO, WriteChunkRequest.newBuilder().setChunkId(1).build(),
                TestService.wrap(sent), WriteChunkReply.parser(), TIMEOUT)
            .join()) {
      assertThat(response.body().getChunkLength()).isEqualTo(1 + sent.length);
      assertThat(TestService.bytes(response.data())).isEqualTo(sent);
    }
  }

  @Test
  void twoHundredConcurrentCallsShareOneConnection() {
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int size = switch (i % 4) {
        case 0 -> 0;
        case 1 -> ThreadLocalRandom.current().nextInt(1, 100);
        case 2 -> ThreadLocalRandom.current().nextInt(1_000, 20_000);
        default -> ThreadLocalRandom.current().nextInt(100_000, 300_000);
      };
      payloads.add(TestService.randomBytes(size));
    }
    TestService.assertConcurrentEchoes(client, address, payloads, TIMEOUT);
    assertThat(server.openConnections()).isEqualTo(1);
  }

  @Test
  void errorStatusAndMessageReachTheCaller() {
    assertThatThrownBy(() -> client.callSync(address, TestService.NOT_EMPTY, Empty.getDefaultInstance(), Empty.parser()))
        .isInstanceOfSatisfying(StrataException.class, e -> {
          assertThat(e.code()).isEqualTo(StatusCode.NOT_EMPTY);
          assertThat(e.getMessage()).isEqualTo("directory /a is not empty");
        });
  }

  @Test
  void handlerBugIsAnsweredInternal() {
    assertThatThrownBy(() -> client.callSync(address, TestService.CRASH, Empty.getDefaultInstance(), Empty.parser()))
        .isInstanceOfSatisfying(StrataException.class, e -> {
          assertThat(e.code()).isEqualTo(StatusCode.INTERNAL);
          assertThat(e.getMessage()).contains("IllegalStateException").contains("boom");
        });
  }

  @Test
  void unknownMethodIsNotImplemented() {
    assertThatThrownBy(() -> client.callSync(address, "test.Nope", Empty.getDefaultInstance(), Empty.parser()))
        .isInstanceOfSatisfying(StrataException.class, e -> {
          assertThat(e.code()).isEqualTo(StatusCode.NOT_IMPLEMENTED);
          assertThat(e.getMessage()).contains("test.Nope");
        });
  }

  @Test
  void callTimesOutWhileTheHandlerBlocks() {
    CompletableFuture<RpcResponse<Empty>> future =
        client.call(address, TestService.BLOCK, Empty.getDefaultInstance(), Unpooled.EMPTY_BUFFER,
            Empty.parser(), Duration.ofMillis(200));
    assertThatThrownBy(future::join)
        .satisfies(e -> {
          StrataException se = StrataException.unwrap(e);
          assertThat(se.code()).isEqualTo(StatusCode.TIMED_OUT);
          assertThat(se.getMessage()).contains(TestService.BLOCK).contains("200 ms");
        });
    service.unblock.countDown();
    // The connection survives the abandoned call.
    assertThat(client.callSync(address, TestService.EPOCH, Empty.getDefaultInstance(), StorageReply.parser()).getChunkLength())
        .isZero();
  }

  @Test
  void epochTravelsInEveryRequest() {
    client.setEpoch(7);
    assertThat(client.callSync(address, TestService.EPOCH, Empty.getDefaultInstance(), StorageReply.parser()).getChunkLength())
        .isEqualTo(7);
  }

  @Test
  void unresolvedAddressFromParseAddressWorks() {
    InetSocketAddress unresolved = RpcClient.parseAddress("localhost:" + server.port());
    assertThat(unresolved.isUnresolved()).isTrue();
    assertThat(client.callSync(unresolved, TestService.EPOCH, Empty.getDefaultInstance(), StorageReply.parser()).getChunkLength())
        .isZero();
  }
}
