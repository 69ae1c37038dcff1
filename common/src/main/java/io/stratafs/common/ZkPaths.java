package io.stratafs.common;

/**
 * The ZooKeeper layout of one filesystem, written once. Every daemon of filesystem {@code fs}
 * lives under {@code /strata/<fs>}:
 *
 * <pre>
 * /strata/&lt;fs&gt;/storage/&lt;storage_id&gt;   ephemeral, StorageRegistration (protobuf)
 * /strata/&lt;fs&gt;/meta/latch                LeaderLatch of the metadata servers
 * /strata/&lt;fs&gt;/meta/leader               ephemeral, MetaRegistration of the current leader
 * /strata/&lt;fs&gt;/meta/epoch                persistent, the leader epoch (decimal text)
 * </pre>
 */
public final class ZkPaths {
  public static final String DEFAULT_FS = "strata";

  private ZkPaths() {}

  public static String root(String fs) {
    if (fs == null || fs.isEmpty() || fs.contains("/")) {
      throw new IllegalArgumentException("filesystem name must be non-empty and without '/': " + fs);
    }
    return "/strata/" + fs;
  }

  public static String storageDir(String fs) {
    return root(fs) + "/storage";
  }

  public static String storage(String fs, String storageId) {
    return storageDir(fs) + "/" + storageId;
  }

  public static String metaLatch(String fs) {
    return root(fs) + "/meta/latch";
  }

  public static String metaLeader(String fs) {
    return root(fs) + "/meta/leader";
  }

  public static String metaEpoch(String fs) {
    return root(fs) + "/meta/epoch";
  }
}
