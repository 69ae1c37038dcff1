package io.stratafs.meta.journal;

import io.stratafs.meta.kv.Cf;
import java.util.concurrent.CompletableFuture;

/**
 * The single path of every namespace mutation: {@code submit} orders the mutation, makes its batch
 * durable (or, for a mutation that does not {@link Mutation#needsSync need a sync}, written in
 * order ahead of every later batch, and durable soon after) and only then returns. This is the seam
 * where HA replication plugs in.
 */
public interface Journal extends AutoCloseable {
  /** Runs, commits and returns the mutation's result; rethrows what it threw. */
  <T> T submit(Mutation<T> mutation);

  /**
   * Queues the mutation and returns at once; the future completes (on the journal's own thread,
   * so its callbacks must not block) once the mutation is committed, or fails with what it threw.
   */
  <T> CompletableFuture<T> submitAsync(Mutation<T> mutation);

  /**
   * Returns once every mutation acknowledged before the call is durable, including those that did
   * not wait for their sync; at once when none is pending.
   */
  void awaitDurable();

  /**
   * Runs {@code listener} after each committed group that put a key into {@code cf}, on the
   * journal's own thread: it must not block. For work that follows such writes (the chunk gc after
   * a removal queued chunks) to start at once instead of at its next periodic pass.
   */
  void afterPutsInto(Cf cf, Runnable listener);

  @Override
  void close();
}
