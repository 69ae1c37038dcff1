package io.stratafs.protocol.rpc;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.net.InetSocketAddress;

/**
 * A Netty server for one daemon. Register handlers, then {@link #start()}.
 *
 * <pre>{@code
 * RpcServer server = RpcServer.builder("storage-1")
 *     .bind(new InetSocketAddress("127.0.0.1", 0))
 *     .handler(Methods.STORAGE_READ, ReadChunkRequest.parser(), call -> ...)
 *     .build()
 *     .start();
 * int port = server.port();
 * }</pre>
 *
 * TODO(protocol helper): implementation.
 */
public final class RpcServer implements AutoCloseable {
  /** Default largest frame accepted: 1 MiB write + headers, with room to spare. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;

  public static Builder builder(String name) {
    throw new IllegalStateException("not built yet");
  }

  public RpcServer start() {
    throw new IllegalStateException("not built yet");
  }

  /** The bound port (useful after binding port 0). */
  public int port() {
    throw new IllegalStateException("not built yet");
  }

  public InetSocketAddress address() {
    throw new IllegalStateException("not built yet");
  }

  @Override
  public void close() {}

  public static final class Builder {
    public Builder bind(InetSocketAddress address) {
      return this;
    }

    public Builder maxFrameBytes(int bytes) {
      return this;
    }

    public <Req extends Message> Builder handler(
        String method, Parser<Req> parser, RpcHandler<Req> handler) {
      return this;
    }

    public RpcServer build() {
      throw new IllegalStateException("not built yet");
    }
  }
}
