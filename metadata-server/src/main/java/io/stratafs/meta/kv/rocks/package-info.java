/**
 * The RocksDB implementation of the KV seam: the only package that imports org.rocksdb, and the
 * owner of every RocksDB native handle (closed deterministically in RocksKvStore.close). Thread-safe.
 */
package io.stratafs.meta.kv.rocks;
