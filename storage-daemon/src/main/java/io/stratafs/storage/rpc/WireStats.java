package io.stratafs.storage.rpc;

import io.stratafs.protocol.storage.DeviceStat;
import io.stratafs.storage.chunk.DeviceUsage;
import java.util.List;

/** Turns the store's capacity numbers into their wire form, for RPC replies and ZooKeeper alike. */
public final class WireStats {
  private WireStats() {}

  public static DeviceStat toProto(DeviceUsage u) {
    return DeviceStat.newBuilder()
        .setName(u.name())
        .setMedia(u.media())
        .setPath(u.path().toString())
        .setCapacityBytes(u.capacityBytes())
        .setUsedBytes(Math.max(0, u.usedBytes()))
        .setFreeBytes(u.freeBytes())
        .setChunks(Math.max(0, u.chunks()))
        .setFilesystemId(FilesystemId.of(u.path()))
        .setIncarnation(u.incarnation())
        .build();
  }

  public static List<DeviceStat> toProto(List<DeviceUsage> usage) {
    return usage.stream().map(WireStats::toProto).toList();
  }
}
