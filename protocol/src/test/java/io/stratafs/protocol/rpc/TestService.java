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
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** A small service exercising every path of the RPC layer, served on 127.0.0.1. */
final class TestService {
  static final String ECHO = "test.Echo";
  static final String EPOCH = "test.Epoch";
  static final String NOT_EMPTY = "test.NotEmpty";
  static final String CRASH = "test.Crash";
  static final String BLOCK = "test.Block";

  /** Released by tests that block a handler; handlers never wait longer than 10 s regardless. */
  final CountDownLatch unblock = new CountDownLatch(1);

  final CountDownLatch blocked = new CountDownLatch(1);

  RpcServer.Builder builder(String name) {
    return RpcServer.builder(name)
        .handler(
            ECHO,
            WriteChunkRequest.parser(),
            call ->
                RpcReply.of(
                    WriteChunkReply.newBuilder()
                        .setChunkLength(call.request().getChunkId() + call.data().readableBytes())
                        .build(),
                    call.data().retain()))
        .handler(
            EPOCH,
            Empty.parser(),
            call -> RpcReply.of(StorageReply.newBuilder().setChunkLength(call.epoch()).build()))
        .handler(
            NOT_EMPTY,
            Empty.parser(),
            call -> {
              throw new StrataException(StatusCode.NOT_EMPTY, "directory /a is not empty");
            })
        .handler(
            CRASH,
            Empty.parser(),
            call -> {
              throw new IllegalStateException("boom");
            })
        .handler(
            BLOCK,
            Empty.parser(),
            call -> {
              blocked.countDown();
              unblock.await(10, TimeUnit.SECONDS);
              return RpcReply.of(Empty.getDefaultInstance());
            });
  }

  RpcServer start(String name) {
    return builder(name).build().start();
  }

  static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  static ByteBuf wrap(byte[] bytes) {
    return Unpooled.wrappedBuffer(bytes);
  }

  /**
   * Echoes 300,000 bytes, more than a direct listener reads ahead, three times over {@code c}, each
   * followed by a small call: the bulk data travels both ways whole and the calls stay in step.
   */
  static void assertBulkDataTravelsBothWaysInStep(BlockingRpcConnection c, Duration timeout) {
    byte[] bytes = randomBytes(300_000);
    ByteBuffer back = ByteBuffer.allocate(bytes.length);
    for (int i = 1; i <= 3; i++) {
      BlockingRpcConnection.Sent<WriteChunkReply> sent =
          c.send(ECHO, WriteChunkRequest.newBuilder().setChunkId(i).build(), wrap(bytes), WriteChunkReply.parser(), 0, timeout);
      assertThat(sent.reply(back).getChunkLength()).isEqualTo(i + bytes.length);
      assertThat(sent.dataBytes()).isEqualTo(bytes.length);
      assertThat(back.array()).isEqualTo(bytes);
      WriteChunkReply small = c.call(ECHO, WriteChunkRequest.newBuilder().setChunkId(7).build(), WriteChunkReply.parser(), 0, timeout);
      assertThat(small.getChunkLength()).isEqualTo(7);
    }
  }

  /**
   * Sends every payload to {@code address} as an echo call at once (chunk id = its index), then
   * checks that each call got its own bytes back.
   */
  static void assertConcurrentEchoes(RpcClient client, InetSocketAddress address, List<byte[]> payloads, Duration timeout) {
    List<CompletableFuture<RpcResponse<WriteChunkReply>>> futures = new ArrayList<>();
    for (int i = 0; i < payloads.size(); i++) {
      futures.add(
          client.call(address, ECHO, WriteChunkRequest.newBuilder().setChunkId(i).build(),
              wrap(payloads.get(i)), WriteChunkReply.parser(), timeout));
    }
    for (int i = 0; i < futures.size(); i++) {
      try (RpcResponse<WriteChunkReply> response = futures.get(i).join()) {
        assertThat(response.body().getChunkLength()).isEqualTo(i + payloads.get(i).length);
        assertThat(bytes(response.data())).isEqualTo(payloads.get(i));
      }
    }
  }

  /** A handler's error, a crash and an unknown method are answered as their codes, and {@code c} survives them. */
  static void assertErrorsAreAnsweredAndTheConnectionSurvives(BlockingRpcConnection c, Duration timeout) {
    assertThatThrownBy(() -> c.call(NOT_EMPTY, Empty.getDefaultInstance(), Empty.parser(), 0, timeout))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.NOT_EMPTY))
        .hasMessageContaining("/a is not empty");
    assertThatThrownBy(() -> c.call(CRASH, Empty.getDefaultInstance(), Empty.parser(), 0, timeout))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.INTERNAL));
    assertThatThrownBy(() -> c.call("test.Nothing", Empty.getDefaultInstance(), Empty.parser(), 0, timeout))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.NOT_IMPLEMENTED));
    assertThat(c.call(EPOCH, Empty.getDefaultInstance(), StorageReply.parser(), 9, timeout).getChunkLength())
        .as("epoch travels, and the connection survives the errors").isEqualTo(9);
  }

  static byte[] bytes(ByteBuf buf) {
    byte[] out = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), out);
    return out;
  }
}
