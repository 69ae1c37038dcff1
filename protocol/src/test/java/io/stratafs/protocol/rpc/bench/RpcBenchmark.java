package io.stratafs.protocol.rpc.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.rpc.RpcResponse;
import io.stratafs.protocol.rpc.RpcServer;
import io.stratafs.protocol.rpc.wire.Empty;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Round-trip latency over loopback: a 1 MiB write (request data in, small reply out) and a small
 * call with empty messages, each on one connection of a real server and client.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RpcBenchmark {
  private static final String WRITE = "bench.Write";
  private static final String PING = "bench.Ping";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private RpcServer server;
  private RpcClient client;
  private InetSocketAddress address;
  private ByteBuf oneMiB;
  private final WriteChunkRequest writeRequest = WriteChunkRequest.newBuilder().setChunkId(1).build();

  @Setup(Level.Trial)
  public void start() {
    server =
        RpcServer.builder("bench")
            .handler(
                WRITE,
                WriteChunkRequest.parser(),
                call -> RpcReply.of(WriteChunkReply.newBuilder().setChunkLength(call.data().readableBytes()).build()))
            .handler(PING, Empty.parser(), call -> RpcReply.of(Empty.getDefaultInstance()))
            .build()
            .start();
    client = new RpcClient("bench-client");
    address = server.address();
    byte[] bytes = new byte[1 << 20];
    ThreadLocalRandom.current().nextBytes(bytes);
    oneMiB = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
  }

  @TearDown(Level.Trial)
  public void stop() {
    client.close();
    server.close();
    oneMiB.release();
  }

  @Benchmark
  public long writeOneMiB() {
    // The client takes ownership of what it sends: hand it a retained view of the shared bytes.
    try (RpcResponse<WriteChunkReply> response =
        client.call(address, WRITE, writeRequest, oneMiB.retainedDuplicate(), WriteChunkReply.parser(), TIMEOUT).join()) {
      return response.body().getChunkLength();
    }
  }

  @Benchmark
  public Empty smallCall() {
    return client.callSync(address, PING, Empty.getDefaultInstance(), Empty.parser());
  }
}
