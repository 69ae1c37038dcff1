package io.stratafs.protocol.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.wire.Empty;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Event-loop handlers answer when their stage completes; blocking handlers may use a given executor. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RpcAsyncHandlerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final ExecutorService completer = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-completer"));
  private final ExecutorService handlers = Executors.newCachedThreadPool(r -> new Thread(r, "test-handler"));
  private final AtomicReference<String> handlerThread = new AtomicReference<>();
  private final AtomicReference<ByteBuf> heldData = new AtomicReference<>();
  private RpcServer server;
  private RpcClient client;

  private void start() {
    server =
        RpcServer.builder("async")
            .blockingExecutor(handlers)
            // Completes later, from another thread, with the request's data still readable then.
            .asyncHandler("t.Later", WriteChunkRequest.parser(), call -> {
              handlerThread.set(Thread.currentThread().getName());
              heldData.set(call.data());
              return CompletableFuture.supplyAsync(
                  () -> RpcReply.of(WriteChunkReply.newBuilder()
                      .setChunkLength(call.request().getChunkId() + call.data().readableBytes()).build()),
                  CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS, completer));
            })
            .asyncHandler("t.Refused", Empty.parser(), call ->
                CompletableFuture.failedFuture(StrataException.of(StatusCode.EXISTS, "name taken")))
            .asyncHandler("t.Throws", Empty.parser(), call -> {
              throw StrataException.of(StatusCode.NOT_DIRECTORY, "not a directory");
            })
            .asyncHandler("t.Bug", Empty.parser(), call -> CompletableFuture.failedFuture(new IllegalStateException("boom")))
            .asyncHandler("t.Null", Empty.parser(), call -> null)
            .handler("t.Blocking", Empty.parser(), call -> {
              handlerThread.set(Thread.currentThread().getName());
              return RpcReply.of(Empty.getDefaultInstance());
            })
            .build()
            .start();
    client = new RpcClient("async-client");
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
      server.close();
    }
    completer.shutdownNow();
    handlers.shutdownNow();
  }

  @Test
  void aStageCompletedLaterFromAnotherThreadIsTheReplyAndTheDataIsReleasedAfterIt() {
    start();
    try (RpcResponse<WriteChunkReply> r =
        client.call(server.address(), "t.Later", WriteChunkRequest.newBuilder().setChunkId(7).build(),
            TestService.wrap(new byte[100]), WriteChunkReply.parser(), TIMEOUT).join()) {
      assertThat(r.body().getChunkLength()).isEqualTo(107);
    }
    assertThat(handlerThread.get()).contains("rpc-server-async"); // the event loop itself
    assertThat(heldData.get().refCnt()).isZero();
  }

  @Test
  void failuresAreAnsweredWithTheirStatusWhetherThrownOrInTheStage() {
    start();
    assertThatThrownBy(() -> client.callSync(server.address(), "t.Refused", Empty.getDefaultInstance(), Empty.parser()))
        .isInstanceOfSatisfying(StrataException.class, e -> {
          assertThat(e.code()).isEqualTo(StatusCode.EXISTS);
          assertThat(e.getMessage()).isEqualTo("name taken");
        });
    assertThatThrownBy(() -> client.callSync(server.address(), "t.Throws", Empty.getDefaultInstance(), Empty.parser()))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.NOT_DIRECTORY));
    assertThatThrownBy(() -> client.callSync(server.address(), "t.Bug", Empty.getDefaultInstance(), Empty.parser()))
        .isInstanceOfSatisfying(StrataException.class, e -> {
          assertThat(e.code()).isEqualTo(StatusCode.INTERNAL);
          assertThat(e.getMessage()).contains("boom");
        });
    assertThatThrownBy(() -> client.callSync(server.address(), "t.Null", Empty.getDefaultInstance(), Empty.parser()))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.INTERNAL));
  }

  @Test
  void blockingHandlersRunOnTheGivenExecutor() {
    start();
    client.callSync(server.address(), "t.Blocking", Empty.getDefaultInstance(), Empty.parser());
    assertThat(handlerThread.get()).isEqualTo("test-handler");
  }

  @Test
  void aMethodCannotBeRegisteredTwiceAcrossKinds() {
    assertThatThrownBy(() -> RpcServer.builder("twice")
            .handler("t.X", Empty.parser(), call -> RpcReply.of(Empty.getDefaultInstance()))
            .asyncHandler("t.X", Empty.parser(), call -> CompletableFuture.completedFuture(RpcReply.of(Empty.getDefaultInstance()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("registered twice");
  }
}
