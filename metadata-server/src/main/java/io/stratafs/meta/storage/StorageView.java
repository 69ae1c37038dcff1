package io.stratafs.meta.storage;

import io.stratafs.protocol.storage.StorageRegistration;
import java.util.List;

/** The storage daemons currently registered (in ZooKeeper, or a fixed list in tests). */
@FunctionalInterface
public interface StorageView {
  List<StorageRegistration> storages();
}
