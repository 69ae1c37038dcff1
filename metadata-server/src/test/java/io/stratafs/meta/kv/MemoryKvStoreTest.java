package io.stratafs.meta.kv;

class MemoryKvStoreTest extends KvStoreContract {
  @Override
  protected KvStore newStore() {
    return new MemoryKvStore();
  }
}
