package io.stratafs.posix.conformance;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stratafs.testkit.FuseAvailability;
import io.stratafs.testkit.MiniCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One cluster and one FUSE mount for every conformance class of the run (a cluster per class
 * would cost more than the cases), closed by JUnit when the run ends. Each class works in its own
 * world-writable directory of the mount. The base directory is 0755 (not a 0700 temp directory)
 * so unprivileged users can reach the mount point at all.
 */
public final class ConformanceMount implements BeforeAllCallback {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ConformanceMount.class);

  private Shared shared;

  @Override
  public void beforeAll(ExtensionContext context) {
    assumeTrue(FuseAvailability.canMount(), FuseAvailability.reason());
    shared = context.getRoot().getStore(NS).getOrComputeIfAbsent("cluster", k -> Shared.start(), Shared.class);
  }

  public Path mnt() {
    return shared.mnt;
  }

  public MiniCluster cluster() {
    return shared.cluster;
  }

  /** A fresh directory (mode 0777) on the mount. */
  public Path newDir(String name) {
    Path p = shared.mnt.resolve(name + "-" + System.nanoTime());
    int rc = Syscalls.SYS.mkdir(p, 0777);
    if (rc != 0 || Syscalls.SYS.chmod(p, 0777) != 0) {
      throw new IllegalStateException("mkdir " + p + ": " + Errno.name(-rc));
    }
    return p;
  }

  static final class Shared implements AutoCloseable {
    final Path base;
    final MiniCluster cluster;
    final Path mnt;

    private Shared(Path base, MiniCluster cluster, Path mnt) {
      this.base = base;
      this.cluster = cluster;
      this.mnt = mnt;
    }

    static Shared start() {
      try {
        Path base = Files.createTempDirectory("conformance-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        MiniCluster cluster = MiniCluster.builder(base.resolve("cluster")).storageDaemons(1).chunkSize(1 << 20).start();
        Path mnt = cluster.mount(base.resolve("mnt"));
        Syscalls.SYS.chmod(mnt, 0755);
        return new Shared(base, cluster, mnt);
      } catch (Exception e) {
        throw new IllegalStateException("could not start the conformance cluster", e);
      }
    }

    @Override
    public void close() throws Exception {
      cluster.close();
      try (Stream<Path> s = Files.walk(base)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // leave the temp directory: best effort
      }
    }
  }
}
