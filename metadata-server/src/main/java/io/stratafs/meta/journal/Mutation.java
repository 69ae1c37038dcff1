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
}
