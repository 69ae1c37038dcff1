package io.stratafs.protocol.rpc;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Calls methods on RPC servers. One client holds one connection per remote address, shared by all
 * concurrent calls (multiplexed by call id), reconnecting when a connection drops. Thread-safe.
 *
 * <p>Failures complete the future with a {@link io.stratafs.common.StrataException}: the server's
 * status for an error reply, TIMED_OUT past the deadline, UNAVAILABLE when the peer cannot be
 * reached or the connection drops mid-call.
 *
 * TODO(protocol helper): implementation.
 */
public final class RpcClient implements AutoCloseable {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  public RpcClient(String name) {}

  public RpcClient(String name, int maxFrameBytes) {}

  /**
   * Sends {@code request} with {@code data} (ownership passes to the client, which releases it)
   * to {@code address}.
   */
  public <Resp extends Message> CompletableFuture<RpcResponse<Resp>> call(
      InetSocketAddress address,
      String method,
      Message request,
      ByteBuf data,
      Parser<Resp> replyParser,
      Duration timeout) {
    throw new IllegalStateException("not built yet");
  }

  /** Same with no bulk data and the default timeout; blocks; throws StrataException. */
  public <Resp extends Message> Resp callSync(
      InetSocketAddress address, String method, Message request, Parser<Resp> replyParser) {
    throw new IllegalStateException("not built yet");
  }

  /** The epoch sent with every call (0 = none); set by clients after they learn the leader's. */
  public void setEpoch(long epoch) {}

  /** Parses "host:port". */
  public static InetSocketAddress parseAddress(String hostPort) {
    int i = hostPort.lastIndexOf(':');
    if (i <= 0 || i == hostPort.length() - 1) {
      throw new IllegalArgumentException("expected host:port, got '" + hostPort + "'");
    }
    return InetSocketAddress.createUnresolved(hostPort.substring(0, i), Integer.parseInt(hostPort.substring(i + 1)));
  }

  @Override
  public void close() {}
}
