package io.stratafs.meta.kv;

import java.util.List;

/** A memory store for tests to override one call of, to fail, count or hold it. */
public class ForwardingKvStore implements KvStore {
  protected final MemoryKvStore store = new MemoryKvStore();

  @Override
  public void write(KvBatch batch, boolean sync) {
    store.write(batch, sync);
  }

  @Override
  public void sync() {
    store.sync();
  }

  @Override
  public byte[] get(Cf cf, byte[] key) {
    return store.get(cf, key);
  }

  @Override
  public List<KvEntry> scan(Cf cf, byte[] prefix, byte[] startAfter, int limit) {
    return store.scan(cf, prefix, startAfter, limit);
  }

  @Override
  public KvSnapshot snapshot() {
    return store.snapshot();
  }

  @Override
  public void close() {
    store.close();
  }
}
