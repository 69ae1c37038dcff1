package io.stratafs.fuse.client;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.EmptyReply;
import io.stratafs.protocol.meta.HeartbeatRequest;
import io.stratafs.protocol.rpc.Methods;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the session alive: a heartbeat every lease/3 on one named daemon thread, so two missed
 * beats still leave time before the lease runs out. A SESSION_EXPIRED answer re-opens the session.
 */
final class SessionHeartbeat implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SessionHeartbeat.class);

  private final MetaClient meta;
  private final ScheduledExecutorService timer;

  SessionHeartbeat(MetaClient meta, int leaseMs) {
    this.meta = meta;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "strata-session-heartbeat");
              t.setDaemon(true);
              return t;
            });
    long periodMs = Math.max(100, leaseMs / 3);
    timer.scheduleWithFixedDelay(this::beat, periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  private void beat() {
    long sid = meta.sessionId();
    try {
      meta.callLeaderOnce(
          Methods.META_HEARTBEAT, HeartbeatRequest.newBuilder().setSessionId(sid).build(), EmptyReply.parser());
    } catch (StrataException e) {
      if (e.code() == StatusCode.SESSION_EXPIRED) {
        try {
          meta.reopenSession(sid);
        } catch (StrataException reopenFailure) {
          log.warn("could not re-open expired session {}: {}", sid, reopenFailure.toString());
        }
      } else {
        log.warn("heartbeat of session {} failed ({}); retrying at the next beat", sid, e.toString());
      }
    } catch (RuntimeException e) {
      // Never let the scheduler swallow the task: a bug here must be visible, and beats go on.
      log.error("heartbeat of session {} failed unexpectedly", sid, e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
