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
   * Whether acknowledging this mutation must wait for a synced write. False for the name changes
   * (create, mknod, mkdir, symlink, link, unlink, rmdir, rename; ADR 032) and the release of an
   * open (ADR 016): their batch still goes to the WAL before the reply, in order, so it survives a
   * crash of the server process; the journal's background sync makes it durable about one device
   * flush later, and {@link Journal#awaitDurable} waits for that. Only a power loss of the server's
   * machine within that window can undo it, as on a local filesystem before its fsync.
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
