package io.stratafs.cli.cluster;

import io.netty.buffer.Unpooled;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.StatFsReply;
import io.stratafs.protocol.meta.StatFsRequest;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.rpc.RpcResponse;
import io.stratafs.protocol.storage.MetaRegistration;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The filesystem's capacity as the metadata leader reports it (what {@code df} would show). */
record FsUsage(long totalBytes, long freeBytes, long availBytes) {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  long usedBytes() {
    return Math.max(0, totalBytes - freeBytes);
  }

  /** Asks the current leader; throws with the reason when ZooKeeper or the leader cannot answer. */
  static FsUsage query(ClusterZk zk) throws Exception {
    MetaRegistration leader =
        zk.metaLeader().orElseThrow(() -> new IllegalStateException("no metadata leader registered"));
    try (RpcClient rpc = new RpcClient("strata-status")) {
      StatFsRequest req = StatFsRequest.newBuilder().setCaller(Caller.getDefaultInstance()).build();
      try (RpcResponse<StatFsReply> resp =
          rpc.call(RpcClient.parseAddress(leader.getAddress()), Methods.META_STATFS, req, Unpooled.EMPTY_BUFFER, StatFsReply.parser(), TIMEOUT)
              .get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        StatFsReply r = resp.body();
        return new FsUsage(r.getTotalBytes(), r.getFreeBytes(), r.getAvailBytes());
      }
    }
  }

  /** 1536 → "1.5 KiB". */
  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String units = "KMGTPE";
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length() - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %siB", v, units.charAt(u));
  }
}
