package io.stratafs.fuse.kernel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to mount: where, under which source name, with how many worker threads, how long the
 * kernel may cache names and attributes, and whether other users may enter the mount.
 */
public record FuseMountOptions(
    Path mountPoint,
    String fsName,
    int workers,
    Duration entryTimeout,
    Duration attrTimeout,
    boolean allowOther) {

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
    if (fsName.isEmpty() || fsName.contains(",") || fsName.contains(" ")) {
      throw new IllegalArgumentException("fsName must be non-empty without ',' or ' ': " + fsName);
    }
  }

  /** 4 workers, 1 s entry and attribute caching, allow_other, source name "strata". */
  public static FuseMountOptions defaults(Path mountPoint) {
    return new FuseMountOptions(
        mountPoint, "strata", 4, Duration.ofSeconds(1), Duration.ofSeconds(1), true);
  }
}
