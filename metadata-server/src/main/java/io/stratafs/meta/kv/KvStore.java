package io.stratafs.meta.kv;

/**
 * The transactional key-value seam under the namespace: reads see the latest committed state (or a
 * {@link #snapshot()}), and every mutation is one atomic {@link KvBatch}.
 */
public interface KvStore extends KvReader, AutoCloseable {
  /** A consistent view that later writes do not change. */
  KvSnapshot snapshot();

  /** Applies all of {@code batch} atomically; with {@code sync} it is durable when this returns. */
  void write(KvBatch batch, boolean sync);

  /**
   * Makes every batch written before the call durable, as a synced write would have. Safe to call
   * while other threads write.
   */
  void sync();

  @Override
  void close();
}
