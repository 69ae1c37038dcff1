package io.stratafs.cli.cluster;

import java.util.Locale;

/**
 * The kinds of process of the embedded cluster, in start order (stop order is the reverse). A
 * NODE is a storage daemon that also runs the mount ({@code strata node}, ADR 034): it starts
 * after the other storage daemons, as the mount would, and stops before them.
 */
public enum Role {
  ZK,
  META,
  STORAGE,
  NODE,
  MOUNT;

  /** Whether this kind of process runs a storage daemon (its id is the daemon's). */
  public boolean servesStorage() {
    return this == STORAGE || this == NODE;
  }

  /** Whether this kind of process mounts the filesystem at cluster.json's mount point. */
  public boolean mounts() {
    return this == MOUNT || this == NODE;
  }

  /** The name written in cluster.json and used as the log file prefix. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role of(String key) {
    return valueOf(key.toUpperCase(Locale.ROOT));
  }
}
