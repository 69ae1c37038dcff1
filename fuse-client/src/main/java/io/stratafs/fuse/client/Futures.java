package io.stratafs.fuse.client;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Waiting for RPC futures on a FUSE worker thread, with failures turned back into StrataExceptions. */
public final class Futures {
  private Futures() {}

  /**
   * Blocks until {@code f} completes and returns its value.
   *
   * @throws StrataException the failure's own code, or INTERRUPTED when the thread is interrupted
   */
  public static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StrataException(StatusCode.INTERRUPTED, "interrupted while waiting for a reply", e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    } catch (CancellationException e) {
      throw new StrataException(StatusCode.INTERRUPTED, "call was cancelled", e);
    }
  }

  /** Waits for all of {@code fs}, then throws the first failure (after every call has finished). */
  public static void awaitAll(List<? extends CompletableFuture<?>> fs) {
    StrataException first = null;
    for (CompletableFuture<?> f : fs) {
      try {
        await(f);
      } catch (StrataException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** A StrataException is rethrown as is; anything else is a bug and stays unchecked as is. */
  static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof StrataException se) {
      return se;
    }
    for (Throwable c = cause; c != null; c = c.getCause()) {
      if (c instanceof StrataException se) {
        return se;
      }
    }
    if (cause instanceof RuntimeException re) {
      return re;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new IllegalStateException("unexpected checked failure", cause);
  }
}
