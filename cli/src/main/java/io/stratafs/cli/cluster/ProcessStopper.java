package io.stratafs.cli.cluster;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops one process: SIGTERM (the daemons close cleanly in their shutdown hook: the mount
 * unmounts, servers deregister), then SIGKILL if it is still there after the grace period.
 */
final class ProcessStopper {
  enum Outcome {
    TERMINATED,
    KILLED,
    STILL_RUNNING,
  }

  private ProcessStopper() {}

  static Outcome stop(ProcessHandle process, Duration grace) {
    process.destroy();
    if (awaitExit(process, grace)) {
      return Outcome.TERMINATED;
    }
    process.destroyForcibly();
    return awaitExit(process, Duration.ofSeconds(10)) ? Outcome.KILLED : Outcome.STILL_RUNNING;
  }

  private static boolean awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return !process.isAlive();
    } catch (ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }
}
