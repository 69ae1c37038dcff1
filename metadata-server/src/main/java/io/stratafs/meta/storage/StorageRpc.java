package io.stratafs.meta.storage;

import io.stratafs.protocol.meta.Replica;

/** The calls the metadata server makes to storage daemons. Implementations are thread-safe. */
public interface StorageRpc {
  /** Deletes a chunk's replica; absent chunks count as deleted. Throws StrataException. */
  void delete(Replica replica, long chunkId);

  /** Truncates a replica to {@code length} bytes of chunk data, durably. Throws StrataException. */
  void truncate(Replica replica, long chunkId, long length);
}
