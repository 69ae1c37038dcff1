package io.stratafs.cli.cluster;

import java.time.Duration;

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

  /**
   * How often the end of the process is checked. Our daemons are not children of this command
   * (the {@code up} that started them has exited), so there is no wait() to block in, and the
   * JDK's {@code onExit()} would also wait for init to reap the zombie.
   */
  private static final long POLL_MILLIS = 20;

  private ProcessStopper() {}

  static Outcome stop(ProcessHandle process, Duration grace) {
    process.destroy();
    if (awaitEnd(process, grace)) {
      return Outcome.TERMINATED;
    }
    process.destroyForcibly();
    return awaitEnd(process, Duration.ofSeconds(10)) ? Outcome.KILLED : Outcome.STILL_RUNNING;
  }

  private static boolean awaitEnd(ProcessHandle process, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!ProcessProbe.hasEnded(process)) {
      if (System.nanoTime() - end > 0) {
        return false;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ProcessProbe.hasEnded(process);
      }
    }
    return true;
  }
}
