package io.stratafs.meta.replication;

import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.storage.DeviceStat;
import io.stratafs.protocol.storage.StorageRegistration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Judges replicas against the current storage registrations. A replica whose daemon (or device)
 * is not registered is {@link State#MISSING} for the grace period, measured from when this server
 * first saw it missing, and {@link State#GONE} after it; one whose device registers another
 * incarnation was wiped ({@link State#WIPED}); one in its daemon's {@code corrupt_chunks} is
 * {@link State#CORRUPT}. Thread-safe.
 */
public final class ReplicaHealth {
  public enum State { LIVE, MISSING, GONE, WIPED, CORRUPT }

  private final long graceMs;
  /** storage id + "/" + device -> wall ms this server first saw it unregistered. */
  private final Map<String, Long> missingSince = new ConcurrentHashMap<>();

  public ReplicaHealth(long graceMs) {
    this.graceMs = graceMs;
  }

  /** A snapshot of the registrations, by storage id, for one pass. */
  public Snapshot snapshot(List<StorageRegistration> registrations, long nowMs) {
    Map<String, StorageRegistration> byId = new HashMap<>();
    for (StorageRegistration s : registrations) {
      byId.put(s.getStorageId(), s);
    }
    // Whatever is registered again is no longer missing: its clock restarts if it vanishes later.
    missingSince.keySet().removeIf(k -> {
      StorageRegistration s = byId.get(k.substring(0, k.lastIndexOf('/')));
      return s != null && device(s, k.substring(k.lastIndexOf('/') + 1)) != null;
    });
    return new Snapshot(byId, nowMs);
  }

  /** Registrations at one moment; judges replicas. */
  public final class Snapshot {
    private final Map<String, StorageRegistration> byId;
    private final long nowMs;

    private Snapshot(Map<String, StorageRegistration> byId, long nowMs) {
      this.byId = byId;
      this.nowMs = nowMs;
    }

    public StorageRegistration registration(String storageId) {
      return byId.get(storageId);
    }

    public State state(Replica r, long chunkId) {
      StorageRegistration s = byId.get(r.getStorageId());
      DeviceStat d = s == null ? null : device(s, r.getDevice());
      if (d == null) {
        long since = missingSince.computeIfAbsent(r.getStorageId() + "/" + r.getDevice(), k -> nowMs);
        return nowMs - since >= graceMs ? State.GONE : State.MISSING;
      }
      if (r.getIncarnation() != 0 && d.getIncarnation() != 0 && r.getIncarnation() != d.getIncarnation()) {
        return State.WIPED;
      }
      if (s.getCorruptChunksList().contains(corruptName(r.getDevice(), chunkId))) {
        return State.CORRUPT;
      }
      return State.LIVE;
    }
  }

  /** The form of an entry of StorageRegistration.corrupt_chunks. */
  public static String corruptName(String device, long chunkId) {
    return device + "/" + String.format("%016x", chunkId);
  }

  private static DeviceStat device(StorageRegistration s, String name) {
    for (DeviceStat d : s.getDevicesList()) {
      if (d.getName().equals(name)) {
        return d;
      }
    }
    return null;
  }
}
