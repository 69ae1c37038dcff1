package io.stratafs.tiering;

import java.util.Locale;

/** Kinds of storage a replica can live on, fastest first. */
public enum Media {
  NVME(true),
  SSD(true),
  HDD(true),
  /** An S3-compatible object store. */
  S3(false),
  /** A directory on a NAS/NFS mount. */
  NAS(false);

  private final boolean local;

  Media(boolean local) {
    this.local = local;
  }

  /** Local media live on a storage daemon's device and take in-place writes (chain replication). */
  public boolean isLocal() {
    return local;
  }

  /** External media hold immutable objects per (chunk, block, version). */
  public boolean isExternal() {
    return !local;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a media label ("nvme", "SSD"...); unknown → IllegalArgumentException listing valid ones. */
  public static Media parse(String label) {
    for (Media m : values()) {
      if (m.label().equalsIgnoreCase(label.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown media '" + label + "': expected one of nvme, ssd, hdd, s3, nas");
  }
}
