package io.stratafs.fuse.vfs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * How a {@link StrataVfs} connects and buffers.
 *
 * @param zkConnect ZooKeeper connect string, e.g. "127.0.0.1:2181"
 * @param fsName the filesystem (its ZooKeeper root is /strata/&lt;fsName&gt;)
 * @param clientName how the session is named on the metadata server (logs, "strata status")
 * @param rpcTimeout deadline of one RPC
 * @param retryFor how long metadata calls keep retrying a missing or changing leader before the
 *     application sees EIO
 * @param writeBufferBytes buffered bytes per open file before writes flush
 * @param readAheadBytes bytes prefetched ahead of sequential reads, per handle (0 = off)
 * @param ioThreads bound on concurrent storage RPCs and threads for background reads
 * @param shortCircuitReads read replicas whose device is on this machine straight from their chunk
 *     files (verified; any doubt falls back to the daemon), see LocalReplicaReader
 */
public record StrataVfsConfig(
    String zkConnect,
    String fsName,
    String clientName,
    Duration rpcTimeout,
    Duration retryFor,
    long writeBufferBytes,
    long readAheadBytes,
    int ioThreads,
    boolean shortCircuitReads) {

  /** With short-circuit reads on. */
  public StrataVfsConfig(
      String zkConnect, String fsName, String clientName, Duration rpcTimeout, Duration retryFor,
      long writeBufferBytes, long readAheadBytes, int ioThreads) {
    this(zkConnect, fsName, clientName, rpcTimeout, retryFor, writeBufferBytes, readAheadBytes, ioThreads, true);
  }

  public StrataVfsConfig withShortCircuitReads(boolean on) {
    return new StrataVfsConfig(zkConnect, fsName, clientName, rpcTimeout, retryFor, writeBufferBytes, readAheadBytes, ioThreads, on);
  }

  public StrataVfsConfig {
    if (zkConnect == null || zkConnect.isBlank()) {
      throw new IllegalArgumentException("zkConnect is required, e.g. 127.0.0.1:2181");
    }
    if (writeBufferBytes <= 0 || readAheadBytes < 0 || ioThreads <= 0) {
      throw new IllegalArgumentException(
          "writeBufferBytes must be > 0, readAheadBytes >= 0 and ioThreads > 0, got "
              + writeBufferBytes + ", " + readAheadBytes + ", " + ioThreads);
    }
  }

  /**
   * clientName = host + pid, RPC timeout 30 s, retry for 60 s, 32 MiB write buffer, 8 MiB
   * read-ahead, 16 I/O threads, short-circuit reads on.
   */
  public static StrataVfsConfig defaults(String zkConnect, String fsName) {
    return new StrataVfsConfig(
        zkConnect,
        fsName,
        hostName() + "-" + ProcessHandle.current().pid(),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        32L << 20,
        8L << 20,
        16);
  }

  /** This machine's name, or "localhost" when it cannot be resolved. */
  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
