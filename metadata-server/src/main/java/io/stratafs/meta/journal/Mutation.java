package io.stratafs.meta.journal;

import io.stratafs.meta.kv.OverlayReader;

/**
 * One namespace change. Runs on the journal's writer thread, reading the latest state (including
 * the writes of earlier mutations of the same commit group) and buffering its writes in {@code tx}.
 * Throwing discards its writes and only its writes.
 */
@FunctionalInterface
public interface Mutation<T> {
  T run(OverlayReader tx);

  /**
   * Whether acknowledging this mutation must wait for a synced write. True for every namespace
   * change. A mutation that only drops bookkeeping which the server rebuilds anyway when the
   * session ends (a release of an open) answers false: its batch still goes to the WAL before the
   * reply, in order, so it survives a crash of the server process and is made durable by the next
   * synced group; only a power loss before that can undo it.
   */
  default boolean needsSync() {
    return true;
  }

  /** {@code run} as a mutation that does not wait for a synced write (see {@link #needsSync}). */
  static <T> Mutation<T> unsynced(Mutation<T> run) {
    return new Mutation<>() {
      @Override
      public T run(OverlayReader tx) {
        return run.run(tx);
      }

      @Override
      public boolean needsSync() {
        return false;
      }
    };
  }
}
