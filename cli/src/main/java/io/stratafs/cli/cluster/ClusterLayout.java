package io.stratafs.cli.cluster;

import java.nio.file.Path;

/**
 * Where the embedded cluster keeps things under its data directory:
 *
 * <pre>
 * cluster.json          the processes (role, id, pid, ports, log) - written by up and down
 * cluster.properties    settings chosen once and kept (the ZooKeeper port)
 * logs/ROLE-ID.log      each process's stdout and stderr
 * zk/                   ZooKeeper snapshots and log
 * meta-1/               the metadata server's RocksDB
 * storage-I/d0/         the chunks of storage daemon I
 * external/             the default external target (nas://DIR/external) of every storage daemon
 * mnt/                  the default mount point
 * </pre>
 */
public record ClusterLayout(Path dataDir) {
  public Path clusterJson() {
    return dataDir.resolve("cluster.json");
  }

  public Path properties() {
    return dataDir.resolve("cluster.properties");
  }

  public Path logs() {
    return dataDir.resolve("logs");
  }

  public Path logFile(String id) {
    return logs().resolve(id + ".log");
  }

  public Path zkDir() {
    return dataDir.resolve("zk");
  }

  public Path metaDir(String id) {
    return dataDir.resolve(id);
  }

  public Path storageDevice(String id) {
    return dataDir.resolve(id).resolve("d0");
  }

  public Path defaultExternal() {
    return dataDir.resolve("external");
  }

  public Path defaultMount() {
    return dataDir.resolve("mnt");
  }
}
