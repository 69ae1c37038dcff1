package io.stratafs.cli.daemon;

import io.stratafs.common.ZkPaths;
import picocli.CommandLine.Option;

/** Where a daemon finds its filesystem: the ZooKeeper ensemble and the filesystem name. */
public final class ZkOptions {
  @Option(names = "--zk", required = true, paramLabel = "HOST:PORT[,HOST:PORT...]", description = "ZooKeeper connect string.")
  String zkConnect;

  @Option(names = "--fs", paramLabel = "NAME", defaultValue = ZkPaths.DEFAULT_FS, description = "Filesystem name; one ZooKeeper can hold several (default: ${DEFAULT-VALUE}).")
  String fsName;

  public String zkConnect() {
    return zkConnect;
  }

  public String fsName() {
    return fsName;
  }
}
