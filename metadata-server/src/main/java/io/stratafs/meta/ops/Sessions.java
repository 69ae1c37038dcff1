package io.stratafs.meta.ops;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live session leases in memory: session id → deadline on the monotonic clock. The records
 * themselves are in the sessions column family; after a restart every stored session gets a fresh
 * lease. Thread-safe.
 */
public final class Sessions {
  private record Lease(long leaseNanos, long deadlineNanos) {}

  private final Map<Long, Lease> leases = new ConcurrentHashMap<>();

  public void renew(long session, long leaseNanos, long nowNanos) {
    leases.put(session, new Lease(leaseNanos, nowNanos + leaseNanos));
  }

  /** Extends the lease; false when the session is unknown (expired or never opened). */
  public boolean heartbeat(long session, long nowNanos) {
    return leases.computeIfPresent(session, (id, l) -> new Lease(l.leaseNanos, nowNanos + l.leaseNanos))
        != null;
  }

  public boolean isLive(long session) {
    return leases.containsKey(session);
  }

  public void remove(long session) {
    leases.remove(session);
  }

  public List<Long> expired(long nowNanos) {
    return leases.entrySet().stream()
        .filter(e -> e.getValue().deadlineNanos - nowNanos < 0)
        .map(Map.Entry::getKey)
        .toList();
  }
}
