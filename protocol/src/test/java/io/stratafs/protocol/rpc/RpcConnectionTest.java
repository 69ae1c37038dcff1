package io.stratafs.protocol.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.wire.Empty;
import io.stratafs.protocol.storage.StorageReply;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Connections come and go: unreachable peers, dropped connections, restarted servers. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RpcConnectionTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void peerDownIsUnavailableNamingTheAddress() throws IOException {
    int freePort;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      freePort = probe.getLocalPort();
    }
    InetSocketAddress nobody = new InetSocketAddress("127.0.0.1", freePort);
    try (RpcClient client = new RpcClient("lonely")) {
      assertThatThrownBy(() -> client.callSync(nobody, TestService.EPOCH, Empty.getDefaultInstance(), StorageReply.parser()))
          .isInstanceOfSatisfying(StrataException.class, e -> {
            assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
            assertThat(e.getMessage()).contains(String.valueOf(freePort));
          });
    }
  }

  @Test
  void clientReconnectsToARestartedServerOnTheSamePort() {
    TestService service = new TestService();
    RpcServer first = service.start("first");
    InetSocketAddress address = first.address();
    try (RpcClient client = new RpcClient("faithful")) {
      client.callSync(address, TestService.EPOCH, Empty.getDefaultInstance(), StorageReply.parser());
      first.close();
      try (RpcServer second = service.builder("second").bind(address).build().start()) {
        // The first call after the restart may still meet the old connection's close; the one
        // after it must be served on a new connection.
        await()
            .atMost(Duration.ofSeconds(10))
            .ignoreExceptionsMatching(e -> StrataException.codeOf(e) == StatusCode.UNAVAILABLE)
            .until(() -> client.callSync(address, TestService.EPOCH, Empty.getDefaultInstance(), StorageReply.parser()) != null);
        assertThat(second.openConnections()).isEqualTo(1);
      }
    }
  }

  @Test
  void serverGoingAwayFailsPendingCallsUnavailable() throws InterruptedException {
    TestService service = new TestService();
    RpcServer server = service.start("vanishing");
    try (RpcClient client = new RpcClient("abandoned")) {
      CompletableFuture<RpcResponse<Empty>> pending =
          client.call(server.address(), TestService.BLOCK, Empty.getDefaultInstance(), Unpooled.EMPTY_BUFFER,
              Empty.parser(), TIMEOUT);
      assertThat(service.blocked.await(10, TimeUnit.SECONDS)).isTrue();
      server.close();
      assertThatThrownBy(pending::join)
          .satisfies(e -> assertThat(StrataException.codeOf(e)).isEqualTo(StatusCode.UNAVAILABLE));
    } finally {
      service.unblock.countDown();
      server.close();
    }
  }

  @Test
  void closingTheClientFailsPendingCallsAndClosesItsConnection() throws InterruptedException {
    TestService service = new TestService();
    try (RpcServer server = service.start("steady")) {
      RpcClient client = new RpcClient("leaving");
      CompletableFuture<RpcResponse<Empty>> pending =
          client.call(server.address(), TestService.BLOCK, Empty.getDefaultInstance(), Unpooled.EMPTY_BUFFER,
              Empty.parser(), TIMEOUT);
      assertThat(service.blocked.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(server.openConnections()).isEqualTo(1);
      client.close();
      assertThatThrownBy(pending::join)
          .satisfies(e -> assertThat(StrataException.codeOf(e)).isEqualTo(StatusCode.UNAVAILABLE));
      await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
      assertThatThrownBy(() -> client.callSync(server.address(), TestService.EPOCH, Empty.getDefaultInstance(), StorageReply.parser()))
          .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
    } finally {
      service.unblock.countDown();
    }
  }
}
