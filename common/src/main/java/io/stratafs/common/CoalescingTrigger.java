package io.stratafs.common;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a task on an executor soon after {@link #request()}: requests made before that run starts
 * share it, and one made while it runs gets another run. {@code request} never blocks, so it may
 * be called from a thread that must not (the metadata journal's writer). Thread-safe.
 */
public final class CoalescingTrigger {
  private final Executor executor;
  private final Runnable task;
  private final AtomicBoolean requested = new AtomicBoolean();

  /** {@code task} handles its own failures; the executor only runs it. */
  public CoalescingTrigger(Executor executor, Runnable task) {
    this.executor = executor;
    this.task = task;
  }

  public void request() {
    if (!requested.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(this::run);
    } catch (RejectedExecutionException e) {
      requested.set(false); // shutting down: the next request tries again
    }
  }

  private void run() {
    requested.set(false);
    task.run();
  }
}
