package io.stratafs.posix;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stratafs.testkit.FuseAvailability;
import io.stratafs.testkit.MiniCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real cluster with one FUSE mount for a test class (starting ZooKeeper, RocksDB and a mount per
 * test would dominate the suite's time). Tests work in their own subdirectory of {@link #mnt()}.
 */
public final class MountedClusterExtension implements BeforeAllCallback, AfterAllCallback {
  private Path base;
  private MiniCluster cluster;
  private Path mnt;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    assumeTrue(FuseAvailability.canMount(), FuseAvailability.reason());
    base = Files.createTempDirectory("strata-posix-");
    cluster = MiniCluster.builder(base.resolve("cluster")).storageDaemons(3).chunkSize(1 << 20).start();
    mnt = cluster.mount(base.resolve("mnt"));
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (base != null) {
      try (Stream<Path> s = Files.walk(base)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  public MiniCluster cluster() {
    return cluster;
  }

  public Path mnt() {
    return mnt;
  }

  /** A fresh directory on the mount for one test. */
  public Path newDir(String name) throws java.io.IOException {
    return Files.createDirectories(mnt.resolve(name + "-" + System.nanoTime()));
  }

  public Path base() {
    return base;
  }
}
