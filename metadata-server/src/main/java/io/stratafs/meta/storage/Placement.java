package io.stratafs.meta.storage;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.storage.DeviceStat;
import io.stratafs.protocol.storage.StorageRegistration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses where new chunks go: one replica per chunk for now. Devices of a daemon on the writing
 * client's host come first (local writes), otherwise the devices with the most free bytes; the
 * chunks of one request rotate over the candidates so a large write spreads out. Stateless.
 */
public final class Placement {
  private final StorageView view;

  public Placement(StorageView view) {
    this.view = view;
  }

  /** One replica for each of {@code count} consecutive new chunks. */
  public List<Replica> place(String clientHost, int count) {
    List<Replica> all = new ArrayList<>();
    List<Replica> local = new ArrayList<>();
    List<StorageRegistration> storages = new ArrayList<>(view.storages());
    record Candidate(Replica replica, long free, boolean local) {}
    List<Candidate> candidates = new ArrayList<>();
    for (StorageRegistration s : storages) {
      boolean isLocal = clientHost != null && !clientHost.isEmpty() && host(s.getAddress()).equals(clientHost);
      for (DeviceStat d : s.getDevicesList()) {
        Replica r =
            Replica.newBuilder()
                .setStorageId(s.getStorageId())
                .setAddress(s.getAddress())
                .setDevice(d.getName())
                .setMedia(d.getMedia())
                .build();
        candidates.add(new Candidate(r, d.getFreeBytes(), isLocal));
      }
    }
    if (candidates.isEmpty()) {
      throw StrataException.of(
          StatusCode.NO_SPACE,
          "no storage daemon is registered for this filesystem: start one (strata storage --zk ...)");
    }
    candidates.sort(Comparator.comparingLong(Candidate::free).reversed());
    for (Candidate c : candidates) {
      (c.local() ? local : all).add(c.replica());
    }
    List<Replica> pool = local.isEmpty() ? all : local;
    List<Replica> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(pool.get(i % pool.size()));
    }
    return out;
  }

  static String host(String hostPort) {
    int i = hostPort.lastIndexOf(':');
    return i < 0 ? hostPort : hostPort.substring(0, i);
  }
}
