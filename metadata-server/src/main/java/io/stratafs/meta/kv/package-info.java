/**
 * The small transactional key-value seam under the namespace: {@link io.stratafs.meta.kv.KvStore}
 * (get, prefix scan, snapshot, atomic batch write), its column families, the in-memory
 * implementation for tests, and {@link io.stratafs.meta.kv.OverlayReader} which lets a transaction
 * read its own uncommitted writes. Stores are thread-safe; batches and overlays are not.
 */
package io.stratafs.meta.kv;
