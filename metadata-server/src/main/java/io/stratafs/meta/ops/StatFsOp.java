package io.stratafs.meta.ops;

import io.stratafs.protocol.meta.StatFsReply;
import io.stratafs.protocol.storage.DeviceStat;
import io.stratafs.protocol.storage.StorageRegistration;
import java.util.HashSet;
import java.util.Set;

/**
 * statfs(2): capacity summed over the registered storage daemons' devices, each underlying local
 * filesystem counted once (three daemons over directories of one disk are one disk's capacity).
 */
public final class StatFsOp {
  public static final int BLOCK_SIZE = 4096;
  /** Inode ids are 64-bit; report a large, fixed budget so tools never see "no inodes". */
  public static final long TOTAL_INODES = 1L << 40;

  private StatFsOp() {}

  public static StatFsReply run(MetaContext ctx) {
    long total = 0;
    long free = 0;
    Set<String> counted = new HashSet<>();
    for (StorageRegistration s : ctx.storage().storages()) {
      for (DeviceStat d : s.getDevicesList()) {
        if (d.getFilesystemId().isEmpty() || counted.add(d.getFilesystemId())) {
          total += d.getCapacityBytes();
          free += d.getFreeBytes();
        }
      }
    }
    long used = ctx.inodeIds().peek() - 1;
    return StatFsReply.newBuilder()
        .setTotalBytes(total)
        .setFreeBytes(free)
        .setAvailBytes(free)
        .setTotalInodes(TOTAL_INODES)
        .setFreeInodes(TOTAL_INODES - used)
        .setBlockSize(BLOCK_SIZE)
        .setNameMax(Names.NAME_MAX)
        .build();
  }
}
