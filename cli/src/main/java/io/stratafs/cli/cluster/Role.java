package io.stratafs.cli.cluster;

import java.util.Locale;

/** The kinds of process of the embedded cluster, in start order (stop order is the reverse). */
public enum Role {
  ZK,
  META,
  STORAGE,
  MOUNT;

  /** The name written in cluster.json and used as the log file prefix. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role of(String key) {
    return valueOf(key.toUpperCase(Locale.ROOT));
  }
}
