package io.stratafs.meta.ops;

import io.stratafs.meta.MetaFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class RocksNamespaceOpsTest extends NamespaceOpsContract {
  @TempDir Path dir;

  @Override
  protected MetaFixture newFixture() {
    return MetaFixture.rocks(dir.resolve("db"));
  }
}
