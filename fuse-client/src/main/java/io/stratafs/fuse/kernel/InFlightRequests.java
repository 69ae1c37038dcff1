package io.stratafs.fuse.kernel;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests being served, by unique id, so an INTERRUPT can find the one it targets. Workers add
 * a request right after reading it and remove it after replying. Thread-safe.
 */
final class InFlightRequests {
  private final ConcurrentHashMap<Long, FuseRequest> byUnique = new ConcurrentHashMap<>();

  void started(FuseRequest req) {
    byUnique.put(req.unique, req);
  }

  void finished(FuseRequest req) {
    byUnique.remove(req.unique, req);
  }

  /** Marks the request interrupted; false when it is not (or no longer) in flight. */
  boolean interrupt(long unique) {
    FuseRequest req = byUnique.get(unique);
    if (req == null) {
      return false;
    }
    req.markInterrupted();
    return true;
  }

  int size() {
    return byUnique.size();
  }
}
