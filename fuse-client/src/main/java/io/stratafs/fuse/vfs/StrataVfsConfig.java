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
 * @param writeBufferBytes buffered bytes per open file before writes flush (a file holds up to
 *     twice this: one buffer filling while the previous one is flushed)
 * @param writeBudgetBytes buffered bytes of all open files together, the bound on the (direct) memory the
 *     write path uses: a write that does not fit flushes its own file, then waits while the file
 *     holding the most is flushed (see WriteBudget). At least {@code writeBufferBytes}, so a file
 *     can fill its buffer; below about three buffers, files written at once flush each other
 *     early rather than pipeline
 * @param ioThreads bound on concurrent storage RPCs and threads for background reads
 * @param shortCircuitReads read replicas whose device is on this machine straight from their chunk
 *     files (verified; any doubt falls back to the daemon), see LocalReplicaReader
 * @param dirAttrTtl how long a directory's attributes returned by this client's own change in it
 *     may answer the kernel's next GETATTR of it (see DirAttrCache); the mount's attribute
 *     timeout, 0 turns it off
 * @param statAheadEntries the most directory entries one lookup may ask to be sent ahead for a
 *     scan in name order (see StatAhead); 0 turns stat-ahead off
 * @param statAheadTtl how long entries sent ahead answer lookups: the mount's shorter kernel
 *     timeout (entry or attribute), 0 turns stat-ahead off
 * @param mtimeGranularity how fine this mount keeps a file's mtime on fsync: an fsync that would
 *     change only mtime within this long of the file's last commit leaves the commit owed, made
 *     this long later or by the next flush or close (see ADR 023); 0 commits on every fsync
 */
public record StrataVfsConfig(
    String zkConnect,
    String fsName,
    String clientName,
    Duration rpcTimeout,
    Duration retryFor,
    long writeBufferBytes,
    long writeBudgetBytes,
    int ioThreads,
    boolean shortCircuitReads,
    Duration dirAttrTtl,
    int statAheadEntries,
    Duration statAheadTtl,
    Duration mtimeGranularity) {

  /** The kernel's default attribute timeout of a mount (strata mount --attr-timeout). */
  public static final Duration DEFAULT_DIR_ATTR_TTL = Duration.ofSeconds(1);

  /** The most entries a scan's lookup asks for ahead by default (strata mount --stat-ahead). */
  public static final int DEFAULT_STAT_AHEAD_ENTRIES = 1024;

  /** Default mtime granularity of fsync: Linux's coarse clock ticks every 1-10 ms (jiffies). */
  public static final Duration DEFAULT_MTIME_GRANULARITY = Duration.ofMillis(10);

  /** Coarser than a second would let a file's mtime trail its data for longer than people expect. */
  public static final Duration MAX_MTIME_GRANULARITY = Duration.ofSeconds(1);

  /** Default write budget: 96 MiB, enough for a large file pipelining plus a few small ones. */
  public static final long DEFAULT_WRITE_BUDGET_BYTES = 96L << 20;

  /**
   * With short-circuit reads on and the default write budget, raised to three write buffers when
   * those are larger.
   */
  public StrataVfsConfig(
      String zkConnect, String fsName, String clientName, Duration rpcTimeout, Duration retryFor,
      long writeBufferBytes, int ioThreads) {
    this(
        zkConnect, fsName, clientName, rpcTimeout, retryFor, writeBufferBytes,
        Math.max(DEFAULT_WRITE_BUDGET_BYTES, 3 * writeBufferBytes), ioThreads, true,
        DEFAULT_DIR_ATTR_TTL, DEFAULT_STAT_AHEAD_ENTRIES, DEFAULT_DIR_ATTR_TTL, DEFAULT_MTIME_GRANULARITY);
  }

  public StrataVfsConfig withShortCircuitReads(boolean on) {
    return new StrataVfsConfig(
        zkConnect, fsName, clientName, rpcTimeout, retryFor, writeBufferBytes, writeBudgetBytes, ioThreads, on, dirAttrTtl,
        statAheadEntries, statAheadTtl, mtimeGranularity);
  }

  public StrataVfsConfig withWriteBudgetBytes(long bytes) {
    return new StrataVfsConfig(
        zkConnect, fsName, clientName, rpcTimeout, retryFor, writeBufferBytes, bytes, ioThreads, shortCircuitReads, dirAttrTtl,
        statAheadEntries, statAheadTtl, mtimeGranularity);
  }

  /** How long a directory's attributes from this client's own change answer one GETATTR; 0 = never. */
  public StrataVfsConfig withDirAttrTtl(Duration ttl) {
    return new StrataVfsConfig(
        zkConnect, fsName, clientName, rpcTimeout, retryFor, writeBufferBytes, writeBudgetBytes, ioThreads,
        shortCircuitReads, ttl, statAheadEntries, statAheadTtl, mtimeGranularity);
  }

  /** Stat-ahead windows of at most {@code entries}, answering for {@code ttl}; either 0 = off. */
  public StrataVfsConfig withStatAhead(int entries, Duration ttl) {
    return new StrataVfsConfig(
        zkConnect, fsName, clientName, rpcTimeout, retryFor, writeBufferBytes, writeBudgetBytes, ioThreads,
        shortCircuitReads, dirAttrTtl, entries, ttl, mtimeGranularity);
  }

  /** How long an fsync's mtime-only commit may wait after the file's last commit; 0 = never. */
  public StrataVfsConfig withMtimeGranularity(Duration granularity) {
    return new StrataVfsConfig(
        zkConnect, fsName, clientName, rpcTimeout, retryFor, writeBufferBytes, writeBudgetBytes, ioThreads,
        shortCircuitReads, dirAttrTtl, statAheadEntries, statAheadTtl, granularity);
  }

  public StrataVfsConfig {
    if (zkConnect == null || zkConnect.isBlank()) {
      throw new IllegalArgumentException("zkConnect is required, e.g. 127.0.0.1:2181");
    }
    if (writeBufferBytes <= 0 || ioThreads <= 0) {
      throw new IllegalArgumentException(
          "writeBufferBytes and ioThreads must be > 0, got " + writeBufferBytes + ", " + ioThreads);
    }
    if (dirAttrTtl == null || dirAttrTtl.isNegative()) {
      throw new IllegalArgumentException("dirAttrTtl must be >= 0 (0 = off), got " + dirAttrTtl);
    }
    if (statAheadEntries < 0 || statAheadTtl == null || statAheadTtl.isNegative()) {
      throw new IllegalArgumentException(
          "statAheadEntries and statAheadTtl must be >= 0 (0 = off), got " + statAheadEntries + ", " + statAheadTtl);
    }
    if (mtimeGranularity == null || mtimeGranularity.isNegative() || mtimeGranularity.compareTo(MAX_MTIME_GRANULARITY) > 0) {
      throw new IllegalArgumentException(
          "mtimeGranularity must be 0.." + MAX_MTIME_GRANULARITY.toSeconds() + "s (0 = every fsync commits), got " + mtimeGranularity);
    }
    if (writeBudgetBytes < writeBufferBytes) {
      throw new IllegalArgumentException(
          "writeBudgetBytes must be at least writeBufferBytes (" + writeBufferBytes + ") so a file can fill its buffer, got "
              + writeBudgetBytes);
    }
  }

  /**
   * clientName = host + pid, RPC timeout 30 s, retry for 60 s, 32 MiB write buffer per file, 96
   * MiB write budget for the mount, 16 I/O threads, short-circuit reads on.
   */
  public static StrataVfsConfig defaults(String zkConnect, String fsName) {
    return new StrataVfsConfig(
        zkConnect,
        fsName,
        hostName() + "-" + ProcessHandle.current().pid(),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        32L << 20,
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
