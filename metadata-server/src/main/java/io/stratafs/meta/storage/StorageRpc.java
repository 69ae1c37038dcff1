package io.stratafs.meta.storage;

import io.stratafs.protocol.meta.Replica;

/**
 * The calls the metadata server makes to storage daemons. A {@link Replica} names the daemon
 * (storage id, address) and device the call is for. Every call has a deadline and throws
 * StrataException. Implementations are thread-safe.
 */
public interface StorageRpc {
  /** Deletes a chunk's replica; absent chunks count as deleted. */
  void delete(Replica replica, long chunkId);

  /** Truncates a replica to {@code length} bytes of chunk data, durably. */
  void truncate(Replica replica, long chunkId, long length);

  /**
   * storage.CopyChunk: copies {@code source}'s replica to {@code dest} after adopting
   * {@code newVersion} on the source (fencing writes with older versions). Returns the length copied.
   */
  long copy(Replica source, long chunkId, long newVersion, Replica dest);

  /** storage.UploadChunk: uploads {@code source}'s replica as {@code generation} on {@code target}; returns the length. */
  long upload(Replica source, long chunkId, String target, long generation);

  /**
   * storage.RestoreChunk: re-creates the replica on {@code dest} from {@code generation} on
   * {@code target}, durably, at {@code version}; returns the restored length.
   */
  long restore(Replica dest, long chunkId, String target, long generation, long length, long version);

  /** storage.DeleteExternal through daemon {@code via}: drops generations below {@code keepFrom} (0 = all). */
  void deleteExternal(Replica via, long chunkId, String target, long keepFrom);
}
