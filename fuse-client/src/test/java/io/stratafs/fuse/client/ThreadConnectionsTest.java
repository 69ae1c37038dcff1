package io.stratafs.fuse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.rpc.RpcServer;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Per-thread blocking connections against real RPC servers, one of them restarted on its port. */
@Timeout(60)
class ThreadConnectionsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** A storage-like server answering writes with the bytes' count, logging each write's offset. */
  private static RpcServer server(int port, List<Long> offsets) {
    return builder(port, offsets, new CopyOnWriteArrayList<>()).build().start();
  }

  /** Also logging the name of each write's handler thread. */
  private static RpcServer.Builder builder(int port, List<Long> offsets, List<String> threads) {
    return RpcServer.builder("t-" + port)
        .bind(new InetSocketAddress("127.0.0.1", port))
        .handler(
            Methods.STORAGE_WRITE,
            WriteChunkRequest.parser(),
            call -> {
              offsets.add(call.request().getOffset());
              threads.add(Thread.currentThread().getName());
              return RpcReply.of(WriteChunkReply.newBuilder().setChunkLength(call.data().readableBytes()).build());
            });
  }

  @Test
  void callsGoToTheServersDirectListenerOrToItsAddressWhenThatCannotBeReached() {
    List<Long> offsets = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    RpcServer s = builder(0, offsets, threads).directListener(new InetSocketAddress("127.0.0.1", 0)).build().start();
    InetSocketAddress to = address(s);
    InetSocketAddress direct = InetSocketAddress.createUnresolved("127.0.0.1", s.directAddress().getPort());
    RpcServer gone = server(0, offsets);
    InetSocketAddress goneAddress = address(gone);
    gone.close(); // a registration naming a port nobody listens on any more
    try (ThreadConnections viaDirect = new ThreadConnections("the test client", 2, a -> a.equals(to) ? List.of(direct) : List.of());
        ThreadConnections viaStale =
            new ThreadConnections("the test client", 2, a -> a.equals(to) ? List.of(goneAddress) : List.of())) {
      assertThat(write(viaDirect, to, 1, Unpooled.wrappedBuffer(new byte[5]), true)).isEqualTo(5);
      assertThat(threads.get(0)).as("served by the direct connection's own thread").startsWith("rpc-direct-");

      assertThat(write(viaStale, to, 2, Unpooled.wrappedBuffer(new byte[4]), true)).isEqualTo(4);
      assertThat(threads.get(1)).as("served through the address itself").doesNotStartWith("rpc-direct-");
      assertThat(offsets).containsExactly(1L, 2L);
    } finally {
      s.close();
    }
  }

  @Test
  void aServersUnixSocketComesFirstAndAStaleOneFallsThroughToItsTcpListener(@TempDir Path dir) throws Exception {
    List<Long> offsets = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    Path socket = dir.resolve("direct.sock");
    RpcServer s =
        builder(0, offsets, threads)
            .directListener(new InetSocketAddress("127.0.0.1", 0))
            .directSocket(socket)
            .build()
            .start();
    InetSocketAddress to = address(s);
    InetSocketAddress direct = InetSocketAddress.createUnresolved("127.0.0.1", s.directAddress().getPort());
    // A socket file nobody listens on: what a daemon killed before it could remove its own leaves.
    Path stale = dir.resolve("stale.sock");
    try (java.nio.channels.ServerSocketChannel gone = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      gone.bind(UnixDomainSocketAddress.of(stale));
    }
    try (ThreadConnections viaSocket =
            new ThreadConnections("the test client", 2, a -> a.equals(to) ? List.of(UnixDomainSocketAddress.of(socket), direct) : List.of());
        ThreadConnections viaStale =
            new ThreadConnections("the test client", 2, a -> a.equals(to) ? List.of(UnixDomainSocketAddress.of(stale), direct) : List.of())) {
      assertThat(write(viaSocket, to, 1, Unpooled.wrappedBuffer(new byte[5]), true)).isEqualTo(5);
      assertThat(threads.get(0)).as("served by the Unix socket's own thread").startsWith("rpc-direct-t-0-unix-");

      assertThat(write(viaStale, to, 2, Unpooled.wrappedBuffer(new byte[4]), true)).isEqualTo(4);
      assertThat(threads.get(1)).as("served by the TCP direct listener's own thread")
          .startsWith("rpc-direct-t-0-").doesNotContain("-unix-");
      assertThat(s.openConnections()).as("one on the socket, one on the TCP direct port").isEqualTo(2);
      assertThat(offsets).containsExactly(1L, 2L);
    } finally {
      s.close();
    }
  }

  private static InetSocketAddress address(RpcServer s) {
    return InetSocketAddress.createUnresolved("127.0.0.1", s.port());
  }

  private static long write(ThreadConnections c, InetSocketAddress to, long offset, ByteBuf data, boolean idempotent) {
    WriteChunkRequest req = WriteChunkRequest.newBuilder().setOffset(offset).build();
    return c.send(to, Methods.STORAGE_WRITE, req, data, WriteChunkReply.parser(), 0, TIMEOUT, idempotent).reply().getChunkLength();
  }

  @Test
  void anIdempotentCallOnAConnectionItsRestartedServerClosedIsMadeAgainOnANewOne() {
    List<Long> offsets = new CopyOnWriteArrayList<>();
    RpcServer first = server(0, offsets);
    int port = first.port();
    InetSocketAddress to = address(first);
    try (ThreadConnections c = new ThreadConnections("the test client", 2)) {
      assertThat(write(c, to, 1, Unpooled.wrappedBuffer(new byte[3]), true)).isEqualTo(3);
      first.close();
      RpcServer second = server(port, offsets);
      try {
        ByteBuf data = Unpooled.wrappedBuffer(new byte[7]);

        assertThat(write(c, to, 2, data, true)).isEqualTo(7);
        assertThat(offsets).containsExactly(1L, 2L);
        assertThat(data.refCnt()).isZero();
        assertThat(write(c, to, 3, Unpooled.wrappedBuffer(new byte[1]), true)).as("the new connection stays").isEqualTo(1);
      } finally {
        second.close();
      }
    }
  }

  @Test
  void aCallThatMayNotRunTwiceReportsTheBrokenConnection() {
    List<Long> offsets = new CopyOnWriteArrayList<>();
    RpcServer first = server(0, offsets);
    int port = first.port();
    InetSocketAddress to = address(first);
    try (ThreadConnections c = new ThreadConnections("the test client", 2)) {
      write(c, to, 1, Unpooled.EMPTY_BUFFER, false);
      first.close();
      RpcServer second = server(port, offsets);
      try {
        ByteBuf data = Unpooled.wrappedBuffer(new byte[7]);

        assertThatThrownBy(() -> write(c, to, 2, data, false))
            .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
        assertThat(data.refCnt()).isZero();
        assertThat(write(c, to, 3, Unpooled.EMPTY_BUFFER, false)).as("the next call connects afresh").isZero();
        assertThat(offsets).containsExactly(1L, 3L);
      } finally {
        second.close();
      }
    }
  }

  @Test
  void callsToMoreAddressesThanAThreadKeepsStillReachEachServer() {
    List<Long> offsets = new CopyOnWriteArrayList<>();
    RpcServer a = server(0, offsets);
    RpcServer b = server(0, offsets);
    RpcServer d = server(0, offsets);
    try (ThreadConnections c = new ThreadConnections("the test client", 2)) {
      for (int i = 0; i < 3; i++) {
        write(c, address(a), i, Unpooled.EMPTY_BUFFER, false);
        write(c, address(b), i, Unpooled.EMPTY_BUFFER, false);
      }
      write(c, address(d), 9, Unpooled.EMPTY_BUFFER, false); // closes a's, the least recently used
      write(c, address(a), 10, Unpooled.EMPTY_BUFFER, false);
      write(c, address(d), 11, Unpooled.EMPTY_BUFFER, false);
      assertThat(offsets).containsExactly(0L, 0L, 1L, 1L, 2L, 2L, 9L, 10L, 11L);
    } finally {
      a.close();
      b.close();
      d.close();
    }
  }

  @Test
  void aClosedClientRefusesCallsAndSaysWhose() {
    ThreadConnections c = new ThreadConnections("the test client", 1);
    c.close();
    ByteBuf data = Unpooled.wrappedBuffer(new byte[2]);

    assertThatThrownBy(() -> write(c, InetSocketAddress.createUnresolved("127.0.0.1", 1), 0, data, true))
        .isInstanceOfSatisfying(StrataException.class, e -> {
          assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
          assertThat(e.getMessage()).isEqualTo("the test client is closed");
        });
    assertThat(data.refCnt()).isZero();
  }
}
