package io.stratafs.meta;

import io.stratafs.protocol.storage.DeviceStat;
import io.stratafs.protocol.storage.ExternalTargetStat;
import io.stratafs.protocol.storage.StorageRegistration;

/** Storage registrations for tests: one device d0 of incarnation 1 per daemon. */
public final class Regs {
  private Regs() {}

  /** Daemon {@code id} at host:9, label node, device d0 of {@code media}, externals as "name=media". */
  public static StorageRegistration reg(String id, String host, String node, String media, long free, String... externals) {
    StorageRegistration.Builder b = StorageRegistration.newBuilder()
        .setStorageId(id)
        .setAddress(host + ":9")
        .putLabels("node", node)
        .addDevices(DeviceStat.newBuilder().setName("d0").setMedia(media).setFreeBytes(free).setCapacityBytes(2 * free)
            .setIncarnation(1));
    for (String e : externals) {
      String[] nm = e.split("=");
      b.addExternals(ExternalTargetStat.newBuilder().setName(nm[0]).setMedia(nm[1]).setUri("mem://" + nm[0]));
    }
    return b.build();
  }
}
