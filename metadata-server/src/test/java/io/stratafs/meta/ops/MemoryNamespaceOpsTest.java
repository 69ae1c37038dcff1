package io.stratafs.meta.ops;

import io.stratafs.meta.MetaFixture;

class MemoryNamespaceOpsTest extends NamespaceOpsContract {
  @Override
  protected MetaFixture newFixture() {
    return MetaFixture.memory();
  }
}
