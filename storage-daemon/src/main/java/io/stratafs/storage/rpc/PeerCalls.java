package io.stratafs.storage.rpc;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.rpc.RpcResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/** A blocking call to another storage daemon that must finish by a given deadline. */
final class PeerCalls {
  private PeerCalls() {}

  /**
   * Calls {@code method} at {@code address} ({@code host:port}) with {@code data} (ownership
   * passes), waiting at most until {@code deadlineNanos}; returns the reply body.
   */
  static <R extends Message> R call(
      RpcClient client, String address, String method, Message request, ByteBuf data, Parser<R> parser, long deadlineNanos) {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      data.release();
      throw new StrataException(StatusCode.TIMED_OUT, method + " to " + address + " not sent: the deadline has passed");
    }
    var future = client.call(RpcClient.parseAddress(address), method, request, data, parser, Duration.ofNanos(left));
    try (RpcResponse<R> response = future.get()) {
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StrataException(StatusCode.INTERRUPTED, method + " to " + address + " interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StrataException se) {
        throw new StrataException(se.code(), method + " to " + address + ": " + se.getMessage(), se);
      }
      throw new StrataException(StatusCode.INTERNAL, method + " to " + address + " failed: " + e.getCause(), e.getCause());
    }
  }
}
