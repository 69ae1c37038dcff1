package io.stratafs.protocol.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.wire.Empty;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
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

  static byte[] bytes(ByteBuf buf) {
    byte[] out = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), out);
    return out;
  }
}
