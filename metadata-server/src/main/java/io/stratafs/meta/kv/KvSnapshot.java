package io.stratafs.meta.kv;

/** A consistent point-in-time view; close it to release the store's resources. */
public interface KvSnapshot extends KvReader, AutoCloseable {
  @Override
  void close();
}
