package io.stratafs.fuse.kernel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to mount: where, under which source name, with how many worker threads, how long the
 * kernel may cache names and attributes, whether other users may enter the mount, and how far the
 * kernel reads ahead of a sequential reader ({@code readAheadKib}; 0 keeps the kernel's default).
 */
public record FuseMountOptions(
    Path mountPoint,
    String fsName,
    int workers,
    Duration entryTimeout,
    Duration attrTimeout,
    boolean allowOther,
    int readAheadKib) {
  /**
   * The kernel's default window (128 KiB) turns a sequential read into one synchronous round trip
   * per 128 KiB; 8 MiB keeps several 1 MiB requests in flight (measured: 78 → 413 MB/s).
   */
  public static final int DEFAULT_READ_AHEAD_KIB = 8192;

  public FuseMountOptions {
    Objects.requireNonNull(mountPoint, "mountPoint");
    Objects.requireNonNull(fsName, "fsName");
    Objects.requireNonNull(entryTimeout, "entryTimeout");
    Objects.requireNonNull(attrTimeout, "attrTimeout");
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
    if (entryTimeout.isNegative() || attrTimeout.isNegative()) {
      throw new IllegalArgumentException("cache timeouts must not be negative");
    }
    if (readAheadKib < 0 || readAheadKib > 1 << 20) {
      throw new IllegalArgumentException("readAheadKib must be 0..1048576, got " + readAheadKib);
    }
    if (fsName.isEmpty() || fsName.contains(",") || fsName.contains(" ")) {
      throw new IllegalArgumentException("fsName must be non-empty without ',' or ' ': " + fsName);
    }
  }

  /** 4 workers, 1 s entry and attribute caching, allow_other, source name "strata", 8 MiB read-ahead. */
  public static FuseMountOptions defaults(Path mountPoint) {
    return new FuseMountOptions(
        mountPoint, "strata", 4, Duration.ofSeconds(1), Duration.ofSeconds(1), true, DEFAULT_READ_AHEAD_KIB);
  }
}
