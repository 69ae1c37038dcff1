package io.stratafs.meta.storage;

import io.stratafs.protocol.meta.Replica;
import java.util.function.LongConsumer;

/**
 * The real {@link StorageRpc} with hooks that run after a copy or upload has completed on the
 * daemons and before it returns to the metadata server: the window in which a test races a
 * commit against the healer or replicator. Everything else passes straight through.
 */
public final class HookedStorageRpc implements StorageRpc {
  private final StorageRpc real;
  /** Runs with the chunk id after each completed copy. */
  public volatile LongConsumer afterCopy = id -> {};
  /** Runs with the chunk id after each completed upload. */
  public volatile LongConsumer afterUpload = id -> {};

  public HookedStorageRpc(StorageRpc real) {
    this.real = real;
  }

  @Override
  public void delete(Replica replica, long chunkId) {
    real.delete(replica, chunkId);
  }

  @Override
  public void truncate(Replica replica, long chunkId, long length) {
    real.truncate(replica, chunkId, length);
  }

  @Override
  public long copy(Replica source, long chunkId, long newVersion, Replica dest) {
    long n = real.copy(source, chunkId, newVersion, dest);
    afterCopy.accept(chunkId);
    return n;
  }

  @Override
  public long upload(Replica source, long chunkId, String target, long generation) {
    long n = real.upload(source, chunkId, target, generation);
    afterUpload.accept(chunkId);
    return n;
  }

  @Override
  public long restore(Replica dest, long chunkId, String target, long generation, long length, long version) {
    return real.restore(dest, chunkId, target, generation, length, version);
  }

  @Override
  public void deleteExternal(Replica via, long chunkId, String target, long keepFrom) {
    real.deleteExternal(via, chunkId, target, keepFrom);
  }
}
