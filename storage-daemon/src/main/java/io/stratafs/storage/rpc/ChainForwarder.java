package io.stratafs.storage.rpc;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.rpc.RpcResponse;
import io.stratafs.protocol.storage.ChainHop;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chain replication's forwarding step (docs/adr/017): sends a request on to the next hop of the
 * chain while the local operation runs, then turns the hop's answer into the storage ids that
 * did not take it.
 *
 * <p>The failed list: the ids the hop itself reported when it answered OK; the hop and every hop
 * behind it when it answered with an error or not at all (unreachable, TIMED_OUT, I/O error, full,
 * NOT_FOUND...): a hop that failed reports only its own status, so whether the hops behind it got
 * the write is unknown, and a replica is excluded rather than ever read stale. STALE_VERSION from
 * the hop is not a replica failure but a caller with an old view: it fails the whole call.
 *
 * <p>Each hop gets three quarters of the time its caller has left, so every hop answers its caller
 * (with the ids behind it as failed) before that caller's own deadline. Thread-safe.
 */
final class ChainForwarder {
  private static final Logger LOG = LoggerFactory.getLogger(ChainForwarder.class);
  private static final Duration MIN_HOP_TIMEOUT = Duration.ofMillis(50);

  private final RpcClient client;

  ChainForwarder(RpcClient client) {
    this.client = client;
  }

  /** A request in flight to {@code hop}; {@code behind} are the hops it forwards to. */
  record Pending<R extends Message>(
      ChainHop hop, List<ChainHop> behind, CompletableFuture<RpcResponse<R>> future) {}

  /** The chain after {@code downstream[0]}. */
  static List<ChainHop> rest(List<ChainHop> downstream) {
    return downstream.subList(1, downstream.size());
  }

  /**
   * Sends {@code request} to {@code downstream[0]}.
   *
   * @param data bulk bytes, ownership passes here (released when sent or on failure)
   */
  <R extends Message> Pending<R> forward(
      List<ChainHop> downstream, String method, Message request, ByteBuf data, Parser<R> parser, long deadlineNanos) {
    ChainHop hop = downstream.get(0);
    List<ChainHop> behind = List.copyOf(rest(downstream));
    CompletableFuture<RpcResponse<R>> future;
    try {
      InetSocketAddress address = RpcClient.parseAddress(hop.getAddress());
      future = client.call(address, method, request, data, parser, hopTimeout(deadlineNanos));
    } catch (RuntimeException e) {
      if (data.refCnt() > 0) {
        data.release();
      }
      future = CompletableFuture.failedFuture(
          new StrataException(StatusCode.UNAVAILABLE, "cannot call " + hop.getAddress() + ": " + e.getMessage(), e));
    }
    return new Pending<>(hop, behind, future);
  }

  static Duration hopTimeout(long deadlineNanos) {
    long left = deadlineNanos - System.nanoTime();
    long nanos = Math.min(left / 4 * 3, RpcClient.DEFAULT_TIMEOUT.toNanos());
    return Duration.ofNanos(Math.max(nanos, MIN_HOP_TIMEOUT.toNanos()));
  }

  /**
   * Waits for the hop's answer (bounded by its deadline).
   *
   * @return the storage ids that did not take the request, see the class comment
   * @throws StrataException STALE_VERSION when a hop refused the caller's version
   */
  <R extends Message> List<String> await(Pending<R> p, Function<R, List<String>> failedOf) {
    try (RpcResponse<R> response = p.future().get()) {
      return failedOf.apply(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StrataException(StatusCode.INTERRUPTED, "interrupted waiting for " + describe(p.hop()), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      StatusCode code = cause instanceof StrataException se ? se.code() : StatusCode.INTERNAL;
      if (code == StatusCode.STALE_VERSION) {
        throw new StrataException(
            StatusCode.STALE_VERSION, "replica " + describe(p.hop()) + " refused the write: " + cause.getMessage(), cause);
      }
      Set<String> failed = new LinkedHashSet<>();
      failed.add(p.hop().getStorageId());
      for (ChainHop h : p.behind()) {
        failed.add(h.getStorageId());
      }
      LOG.warn("chain hop {} failed ({}: {}); reporting {} as failed", describe(p.hop()), code, cause.getMessage(), failed);
      return new ArrayList<>(failed);
    }
  }

  /** Releases the answer of a forward whose caller has already failed locally. */
  /** What a hop did with a chained call: its own result, and the hops behind it that failed. */
  record Outcome(long chunkLength, List<String> failed) {}

  /**
   * Runs the local half of a chained call while {@code next} (null = this is the tail) runs
   * downstream: a local failure abandons the forward and fails the call; otherwise the downstream
   * answer decides {@link Outcome#failed} (see {@link #await}).
   */
  <R extends Message> Outcome alongside(Pending<R> next, Function<R, List<String>> failedOf, LongSupplier local) {
    long length;
    try {
      length = local.getAsLong();
    } catch (RuntimeException e) {
      if (next != null) {
        abandon(next);
      }
      throw e;
    }
    return new Outcome(length, next == null ? List.of() : await(next, failedOf));
  }

  static void abandon(Pending<?> p) {
    p.future().whenComplete((r, t) -> {
      if (r != null) {
        r.close();
      }
    });
  }

  private static String describe(ChainHop hop) {
    return hop.getStorageId() + " at " + hop.getAddress() + (hop.getDevice().isEmpty() ? "" : " device " + hop.getDevice());
  }
}
