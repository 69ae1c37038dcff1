package io.stratafs.meta.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.meta.kv.rocks.RocksKvStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksKvStoreTest extends KvStoreContract {
  @TempDir Path dir;

  @Override
  protected KvStore newStore() {
    return RocksKvStore.open(dir.resolve("db"));
  }

  @Test
  void writesSurviveReopen() {
    store.write(new KvBatch().put(Cf.COUNTERS, b("n"), b("42")), true);
    store.close();
    store = newStore();
    assertThat(store.get(Cf.COUNTERS, b("n"))).isEqualTo(b("42"));
  }
}
