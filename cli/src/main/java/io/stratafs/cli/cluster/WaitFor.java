package io.stratafs.cli.cluster;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waits until a started process is ready, with a deadline. Fails with a message naming the log to
 * read when the process exits first or the deadline passes.
 */
final class WaitFor {
  private static final long POLL_MILLIS = 200;

  private WaitFor() {}

  static void ready(String what, ProcessHandle process, Path log, Duration deadline, BooleanSupplier isReady) {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      if (isReady.getAsBoolean()) {
        return;
      }
      if (!process.isAlive()) {
        throw new StrataException(StatusCode.UNAVAILABLE, what + " exited during start-up; read " + log);
      }
      if (System.nanoTime() - end > 0) {
        throw new StrataException(StatusCode.TIMED_OUT, what + " was not ready within " + deadline.toSeconds() + " s; read " + log);
      }
      try {
        // Wakes early when the process dies, so a crash is reported at once.
        process.onExit().get(POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // still starting: poll again
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StrataException(StatusCode.INTERRUPTED, "interrupted while waiting for " + what);
      }
    }
  }
}
