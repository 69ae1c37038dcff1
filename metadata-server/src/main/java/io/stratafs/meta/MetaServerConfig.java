package io.stratafs.meta;

import io.stratafs.meta.replication.ReplicationConfig;
import java.nio.file.Path;

/**
 * Settings of one metadata server.
 *
 * @param serverId unique name of this server (logs, the leader node)
 * @param dataDir where the RocksDB namespace lives
 * @param zkConnect ZooKeeper connect string, e.g. "127.0.0.1:2181"
 * @param fsName filesystem name: the ZooKeeper root /strata/&lt;fsName&gt;
 * @param bindHost address to serve RPC on
 * @param port RPC port (0 = any free port)
 * @param chunkSizeBytes chunk size of new files
 * @param replication storage policies, upload delay, healer period and grace (see {@link ReplicationConfig})
 */
public record MetaServerConfig(
    String serverId,
    Path dataDir,
    String zkConnect,
    String fsName,
    String bindHost,
    int port,
    long chunkSizeBytes,
    ReplicationConfig replication) {
  public static final long DEFAULT_CHUNK_SIZE = 64L << 20;

  public MetaServerConfig {
    if (chunkSizeBytes <= 0) {
      throw new IllegalArgumentException("chunkSizeBytes must be positive, got " + chunkSizeBytes);
    }
    if (replication == null) {
      replication = ReplicationConfig.DEFAULTS;
    }
  }

  /** With the default replication settings. */
  public MetaServerConfig(
      String serverId, Path dataDir, String zkConnect, String fsName, String bindHost, int port, long chunkSizeBytes) {
    this(serverId, dataDir, zkConnect, fsName, bindHost, port, chunkSizeBytes, ReplicationConfig.DEFAULTS);
  }

  public MetaServerConfig withReplication(ReplicationConfig r) {
    return new MetaServerConfig(serverId, dataDir, zkConnect, fsName, bindHost, port, chunkSizeBytes, r);
  }
}
