package io.stratafs.cli.admin;

import io.stratafs.cli.cluster.ClusterFile;
import io.stratafs.cli.cluster.ClusterLayout;
import io.stratafs.cli.cluster.DataDirOption;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.common.ZkPaths;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Which filesystem an admin command talks to: {@code --zk HOST:PORT [--fs NAME]} when given, else
 * the embedded cluster of {@code --data} (its cluster.json names ZooKeeper and the filesystem).
 */
public final class ClusterTarget {
  @Mixin DataDirOption data;

  @Option(names = "--zk", paramLabel = "HOST:PORT[,HOST:PORT...]", description = "ZooKeeper connect string of the filesystem (default: the embedded cluster of --data).")
  String zk;

  @Option(names = "--fs", paramLabel = "NAME", description = "Filesystem name with --zk (default: " + ZkPaths.DEFAULT_FS + ").")
  String fs;

  /** ZooKeeper connect string and filesystem name. */
  public record Resolved(String zk, String fs) {}

  public Resolved resolve() {
    if (zk != null) {
      return new Resolved(zk, fs != null ? fs : ZkPaths.DEFAULT_FS);
    }
    ClusterLayout layout = new ClusterLayout(data.resolve());
    Optional<ClusterFile> cluster = ClusterFile.readIfExists(layout.clusterJson());
    if (cluster.isEmpty()) {
      throw new StrataException(
          StatusCode.NOT_FOUND,
          "no embedded cluster in " + layout.dataDir() + " (no cluster.json); start one with `strata up` or name a filesystem with --zk HOST:PORT [--fs NAME]");
    }
    return new Resolved(cluster.get().zk(), fs != null ? fs : cluster.get().fs());
  }
}
