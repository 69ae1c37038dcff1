package io.stratafs.cli.daemon;

import io.netty.util.internal.PlatformDependent;
import io.stratafs.cli.DurationConverter;
import io.stratafs.cli.SizeConverter;
import io.stratafs.fuse.kernel.FuseMount;
import io.stratafs.fuse.kernel.FuseMountOptions;
import io.stratafs.fuse.vfs.StrataVfs;
import io.stratafs.fuse.vfs.StrataVfsConfig;
import io.stratafs.fuse.vfs.Vfs;
import io.stratafs.meta.ops.LookupOp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** The options of a FUSE mount and the mount point, shared by {@code strata mount} and {@code strata node}. */
public final class MountOptions {
  private static final int MAX_STAT_AHEAD = LookupOp.MAX_STAT_AHEAD;
  private static final FuseMountOptions DEFAULTS = FuseMountOptions.defaults(Path.of("/"));
  /** Direct memory besides the write budget: RPC buffers and short-circuit read buffers. */
  private static final long DIRECT_RESERVE_BYTES = 32L << 20;
  /** Direct memory of one FUSE worker: its request and reply buffers (1 MiB each) and slack. */
  private static final long DIRECT_PER_WORKER_BYTES = 4L << 20;

  @Option(names = "--workers", paramLabel = "N", description = "Threads reading FUSE requests from the kernel (default: ${DEFAULT-VALUE}).")
  int workers = DEFAULTS.workers();

  @Option(names = "--attr-timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "1s", description = "How long the kernel caches attributes, e.g. 500ms, 1s, 0; also how long a directory's attributes from this mount's own change in it answer the kernel's next look (default: ${DEFAULT-VALUE}).")
  Duration attrTimeout;

  @Option(names = "--entry-timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "1s", description = "How long the kernel caches name lookups (default: ${DEFAULT-VALUE}).")
  Duration entryTimeout;

  @Option(names = "--stat-ahead", paramLabel = "ENTRIES", defaultValue = "1024", description = "Most directory entries, with their attributes, one lookup fetches ahead when a program walks a directory in name order (stat of every file, find, du); they answer its next lookups for the shorter of the two timeouts above, and any change this mount makes drops them. 0 turns it off (default: ${DEFAULT-VALUE}).")
  int statAhead;

  @Option(names = "--allow-other", negatable = true, description = "Let users other than the mounting one access the mount (as non-root this needs user_allow_other in /etc/fuse.conf); --no-allow-other keeps it to the mounting user (default: ${DEFAULT-VALUE}).")
  boolean allowOther = DEFAULTS.allowOther();

  @Option(
      names = "--short-circuit-reads",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Read replicas whose device is on this machine straight from their chunk files, checksums verified (any doubt goes through the storage daemon); --no-short-circuit-reads always asks the daemon (default: ${DEFAULT-VALUE}).")
  boolean shortCircuitReads;

  @Option(names = "--read-ahead", paramLabel = "SIZE", converter = SizeConverter.class, defaultValue = "8M", description = "How far the kernel reads ahead of a sequential reader, e.g. 128K, 8M; 0 keeps the kernel default (default: ${DEFAULT-VALUE}).")
  long readAheadBytes;

  @Option(
      names = "--write-budget",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      defaultValue = "96M",
      description = "Most written bytes the mount holds in memory, not yet on the storage daemons, for all open files together (each file buffers up to 2 x 32M); a write that does not fit waits while other files are flushed. The bytes wait in direct memory: the JVM's -XX:MaxDirectMemorySize must hold the budget plus 32M and 4M per worker (checked at start). At least 32M, e.g. 64M, 1G (default: ${DEFAULT-VALUE}).")
  long writeBudgetBytes;

  @Option(
      names = "--mtime-granularity",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "10ms",
      description = "How fine a file's mtime is kept on fsync: an fsync that would change only the mtime within this long of the file's last commit from this mount leaves that commit for a moment later (or the next flush or close), so frequent fsyncs cost what fdatasync costs; its data is durable either way. 0 commits the mtime on every fsync; at most 1s (default: ${DEFAULT-VALUE}).")
  Duration mtimeGranularity;

  @Parameters(paramLabel = "MOUNTPOINT", description = "Directory to mount on (created if missing).")
  Path mountPoint;

  /** A mounted filesystem: closing it unmounts, then disconnects. */
  record Mounted(Path mountPoint, FuseMount mount, Vfs vfs) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      try {
        mount.close();
      } finally {
        vfs.close();
      }
    }
  }

  /**
   * Checks every option against the others and this JVM's direct memory without touching
   * anything; a bad value is a ParameterException of {@code spec}'s command, naming the option.
   */
  void validate(CommandSpec spec, ZkOptions zk) {
    vfsConfig(spec, zk);
  }

  private StrataVfsConfig vfsConfig(CommandSpec spec, ZkOptions zk) {
    if (workers < 1) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--workers': must be at least 1, got " + workers);
    }
    if (statAhead < 0 || statAhead > MAX_STAT_AHEAD) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for option '--stat-ahead': must be 0.." + MAX_STAT_AHEAD + ", got " + statAhead);
    }
    if (mtimeGranularity.isNegative() || mtimeGranularity.compareTo(StrataVfsConfig.MAX_MTIME_GRANULARITY) > 0) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '--mtime-granularity': must be 0.." + DurationConverter.format(StrataVfsConfig.MAX_MTIME_GRANULARITY)
              + ", got " + DurationConverter.format(mtimeGranularity));
    }
    StrataVfsConfig config = StrataVfsConfig.defaults(zk.zkConnect(), zk.fsName()).withShortCircuitReads(shortCircuitReads)
        .withMtimeGranularity(mtimeGranularity)
        .withDirAttrTtl(attrTimeout)
        .withStatAhead(statAhead, entryTimeout.compareTo(attrTimeout) < 0 ? entryTimeout : attrTimeout);
    if (writeBudgetBytes < config.writeBufferBytes()) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '--write-budget': must be at least the per-file write buffer ("
              + SizeConverter.format(config.writeBufferBytes()) + "), got " + SizeConverter.format(writeBudgetBytes));
    }
    long directNeeded = writeBudgetBytes + DIRECT_RESERVE_BYTES + workers * DIRECT_PER_WORKER_BYTES;
    long directLimit = PlatformDependent.maxDirectMemory();
    if (directNeeded > directLimit) {
      // Written bytes wait in direct memory (ADR 028): a budget that does not fit would fail writes with ENOMEM.
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '--write-budget': " + SizeConverter.format(writeBudgetBytes) + " with " + workers
              + " workers needs " + SizeConverter.format(directNeeded) + " of direct memory, but this JVM allows "
              + SizeConverter.format(directLimit) + ": lower --write-budget or give the JVM -XX:MaxDirectMemorySize="
              + (directNeeded + (1 << 20) - 1 >> 20) + "m (STRATA_JAVA_OPTS)");
    }
    if (readAheadBytes < 0 || readAheadBytes > (1L << 30)) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--read-ahead': must be 0..1G, got " + readAheadBytes);
    }
    return config.withWriteBudgetBytes(writeBudgetBytes);
  }

  /**
   * Connects to the filesystem and mounts it; a stale mount left by a crashed client is cleared
   * first and a missing mount point created.
   */
  Mounted mount(CommandSpec spec, ZkOptions zk) throws IOException {
    StrataVfsConfig config = vfsConfig(spec, zk);
    Path mp = mountPoint.toAbsolutePath().normalize();
    FuseMount.clearStale(mp);
    Files.createDirectories(mp);
    FuseMountOptions options = new FuseMountOptions(mp, zk.fsName(), workers, entryTimeout, attrTimeout, allowOther, (int) (readAheadBytes / 1024));
    Vfs vfs = StrataVfs.connect(config);
    try {
      return new Mounted(mp, FuseMount.mount(vfs, options), vfs);
    } catch (RuntimeException | Error e) {
      vfs.close();
      throw e;
    }
  }

  /** How the mount is logged: workers and attribute timeout. */
  String describe() {
    return workers + " workers, attr timeout " + DurationConverter.format(attrTimeout);
  }
}
