package io.stratafs.meta.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import io.stratafs.common.ZkPaths;
import io.stratafs.protocol.storage.StorageRegistration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Storage daemons registered under {@link ZkPaths#storageDir}, kept current by a CuratorCache. */
public final class ZkStorageView implements StorageView, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ZkStorageView.class);

  private final String dir;
  private final CuratorCache cache;

  /** Decoded once per change, not per call: placement and statfs read it on every request. */
  private volatile List<StorageRegistration> current = List.of();

  public ZkStorageView(CuratorFramework zk, String fsName) {
    this.dir = ZkPaths.storageDir(fsName);
    this.cache = CuratorCache.build(zk, dir);
    cache.listenable().addListener(CuratorCacheListener.builder().forAll((type, before, after) -> refresh()).build());
    cache.start();
  }

  @Override
  public List<StorageRegistration> storages() {
    return current;
  }

  private synchronized void refresh() {
    List<StorageRegistration> out = new ArrayList<>();
    cache.stream()
        .filter(d -> d.getPath().startsWith(dir + "/") && d.getData() != null && d.getData().length > 0)
        .forEach(d -> decode(d).ifPresent(out::add));
    current = List.copyOf(out);
  }

  private static java.util.Optional<StorageRegistration> decode(ChildData d) {
    try {
      return java.util.Optional.of(StorageRegistration.parseFrom(d.getData()));
    } catch (InvalidProtocolBufferException e) {
      LOG.warn("ignoring undecodable storage registration at {}", d.getPath());
      return java.util.Optional.empty();
    }
  }

  @Override
  public void close() {
    cache.close();
  }
}
