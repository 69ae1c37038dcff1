package io.stratafs.meta.ops;

import static io.stratafs.meta.schema.MetaSchema.*;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvEntry;
import io.stratafs.protocol.meta.OpenSessionRequest;
import java.util.List;

/** OpenSession and CloseSession/expiry as journal mutations; heartbeats are in memory only. */
public final class SessionOps {
  public static final int DEFAULT_LEASE_MS = 30_000;
  private static final int PAGE = 1000;

  private SessionOps() {}

  /** Persists a new session and starts its lease; returns its id. */
  public static long open(MetaContext ctx, Tx tx, OpenSessionRequest req) {
    OpenSessionRequest stored = req.getLeaseMs() == 0 ? req.toBuilder().setLeaseMs(DEFAULT_LEASE_MS).build() : req;
    long id = ctx.sessionIds().next();
    tx.put(Cf.SESSIONS, u64(id), stored.toByteArray());
    ctx.sessions().renew(id, stored.getLeaseMs() * 1_000_000L, ctx.monoNanos().getAsLong());
    return id;
  }

  /** Ends a session: forgets it and releases every inode it holds open. */
  public static void close(MetaContext ctx, Tx tx, long session) {
    if (tx.get(Cf.SESSIONS, u64(session)) == null) {
      throw StrataException.of(StatusCode.SESSION_EXPIRED, "session %d is not open", session);
    }
    List<KvEntry> page;
    byte[] prefix = openBySessionPrefix(session);
    while (!(page = tx.scan(Cf.OPENS, prefix, null, PAGE)).isEmpty()) {
      for (KvEntry e : page) {
        ReleaseOp.release(tx, session, readU64(e.key(), 9), true);
      }
    }
    tx.delete(Cf.SESSIONS, u64(session));
    ctx.sessions().remove(session);
  }
}
