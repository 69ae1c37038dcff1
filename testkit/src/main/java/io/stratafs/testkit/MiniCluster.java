package io.stratafs.testkit;

import io.stratafs.fuse.kernel.FuseMount;
import io.stratafs.fuse.kernel.FuseMountOptions;
import io.stratafs.fuse.vfs.StrataVfs;
import io.stratafs.fuse.vfs.StrataVfsConfig;
import io.stratafs.meta.MetaServerConfig;
import io.stratafs.meta.MetadataServer;
import io.stratafs.storage.DeviceSpec;
import io.stratafs.storage.StorageConfig;
import io.stratafs.storage.StorageDaemon;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingServer;

/**
 * A whole StrataFS in one JVM for tests: a real ZooKeeper (curator-test), one metadata server over
 * RocksDB, N storage daemons over directories, and optionally FUSE mounts. State lives under the
 * base directory, so {@link #restart()} brings the same filesystem back.
 *
 * <pre>{@code
 * try (MiniCluster c = MiniCluster.builder(tmp).storageDaemons(3).chunkSize(1 << 20).start()) {
 *   Path mnt = c.mount(tmp.resolve("mnt"));
 *   ...
 * }
 * }</pre>
 */
public final class MiniCluster implements AutoCloseable {
  private final Path base;
  private final String fsName;
  private final int storageCount;
  private final long chunkSize;
  private final TestingServer zk;
  private MetadataServer meta;
  private final List<StorageDaemon> storage = new ArrayList<>();
  private final List<FuseMount> mounts = new ArrayList<>();
  private final List<StrataVfs> vfses = new ArrayList<>();

  private MiniCluster(Builder b) throws Exception {
    this.base = b.base;
    this.fsName = b.fsName;
    this.storageCount = b.storageDaemons;
    this.chunkSize = b.chunkSize;
    Files.createDirectories(base);
    this.zk = new TestingServer(-1, base.resolve("zk").toFile(), true);
    startDaemons();
  }

  public static Builder builder(Path base) {
    return new Builder(base);
  }

  private void startDaemons() {
    meta = MetadataServer.start(
        new MetaServerConfig("meta-1", base.resolve("meta-1"), zkConnect(), fsName, "127.0.0.1", 0, chunkSize));
    for (int i = 1; i <= storageCount; i++) {
      storage.add(startStorage(i));
    }
  }

  private StorageDaemon startStorage(int i) {
    Path dir = base.resolve("storage-" + i).resolve("d0");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return StorageDaemon.start(new StorageConfig(
        "storage-" + i,
        List.of(DeviceSpec.parse("nvme:" + dir, "d0")),
        zkConnect(),
        fsName,
        "127.0.0.1",
        0,
        Map.of("node", "node-" + i)));
  }

  public String zkConnect() {
    return zk.getConnectString();
  }

  public String fsName() {
    return fsName;
  }

  public MetadataServer meta() {
    return meta;
  }

  public StorageDaemon storage(int index) {
    return storage.get(index);
  }

  public int storageCount() {
    return storage.size();
  }

  /** A device directory of storage daemon {@code index} (0-based), for corruption tests. */
  public Path storageDevice(int index) {
    return base.resolve("storage-" + (index + 1)).resolve("d0");
  }

  /** A new client (its own session) that tests drive directly, without a kernel. */
  public StrataVfs newVfs() {
    StrataVfs vfs = StrataVfs.connect(StrataVfsConfig.defaults(zkConnect(), fsName));
    vfses.add(vfs);
    return vfs;
  }

  /** Mounts a new client at {@code mountPoint} (created if missing) through the kernel. */
  public Path mount(Path mountPoint) throws IOException {
    Files.createDirectories(mountPoint);
    FuseMount.clearStale(mountPoint);
    StrataVfs vfs = StrataVfs.connect(StrataVfsConfig.defaults(zkConnect(), fsName));
    mounts.add(FuseMount.mount(vfs, FuseMountOptions.defaults(mountPoint)));
    return mountPoint;
  }

  /** Unmounts every mount (flushing their data), closes clients and daemons, starts daemons again. */
  public void restart() {
    stopClientsAndDaemons();
    startDaemons();
  }

  private void stopClientsAndDaemons() {
    for (FuseMount m : mounts) {
      m.close();
    }
    mounts.clear();
    for (StrataVfs v : vfses) {
      v.close();
    }
    vfses.clear();
    for (StorageDaemon s : storage) {
      s.close();
    }
    storage.clear();
    if (meta != null) {
      meta.close();
      meta = null;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      stopClientsAndDaemons();
    } finally {
      zk.close();
    }
  }

  public static final class Builder {
    private final Path base;
    private String fsName = "strata";
    private int storageDaemons = 3;
    private long chunkSize = 1 << 20;

    private Builder(Path base) {
      this.base = base;
    }

    public Builder fsName(String name) {
      this.fsName = name;
      return this;
    }

    public Builder storageDaemons(int n) {
      this.storageDaemons = n;
      return this;
    }

    /** Small chunks (default 1 MiB) make multi-chunk files cheap in tests. */
    public Builder chunkSize(long bytes) {
      this.chunkSize = bytes;
      return this;
    }

    public MiniCluster start() throws Exception {
      return new MiniCluster(this);
    }
  }
}
