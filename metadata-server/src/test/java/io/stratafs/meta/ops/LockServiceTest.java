package io.stratafs.meta.ops;

import static io.stratafs.meta.MetaFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.common.StatusCode;
import io.stratafs.meta.MetaFixture;
import io.stratafs.protocol.meta.*;
import org.junit.jupiter.api.Test;

/** meta.GetLk/SetLk/UnlockOwner through MetaService, with real sessions. */
class LockServiceTest {
  private static final long EOF = Long.MAX_VALUE;

  private static LockRequest lock(long session, long owner, int type, boolean flock) {
    return LockRequest.newBuilder()
        .setCaller(SessionAndOrphanTest.in(session))
        .setIno(42)
        .setOwner(owner)
        .setStart(0)
        .setEnd(EOF)
        .setType(type)
        .setPid((int) (session * 1000 + owner))
        .setFlock(flock)
        .build();
  }

  private static long session(MetaFixture f) {
    return f.svc.openSession(OpenSessionRequest.newBuilder().setLeaseMs(1000).build()).getSessionId();
  }

  @Test
  void theSameOwnerIdInTwoSessionsIsTwoOwners() {
    try (MetaFixture f = MetaFixture.memory()) {
      long s1 = session(f);
      long s2 = session(f);
      assertThat(f.svc.setlk(lock(s1, 5, 1, false), Long.MAX_VALUE).getGranted()).isTrue();
      expectCode(StatusCode.WOULD_BLOCK, () -> f.svc.setlk(lock(s2, 5, 1, false), Long.MAX_VALUE));
      GetLkReply r = f.svc.getlk(lock(s2, 5, 0, false));
      assertThat(r.getConflict().getSessionId()).isEqualTo(s1);
      assertThat(r.getConflict().getPid()).isEqualTo((int) (s1 * 1000 + 5));
      f.svc.unlockOwner(UnlockOwnerRequest.newBuilder().setCaller(SessionAndOrphanTest.in(s1)).setIno(42).setOwner(5).build());
      assertThat(f.svc.getlk(lock(s2, 5, 1, false)).hasConflict()).isFalse();
    }
  }

  @Test
  void closingOrExpiringASessionDropsItsLocks() {
    try (MetaFixture f = MetaFixture.memory()) {
      long s1 = session(f);
      long s2 = session(f);
      long s3 = session(f);
      f.svc.setlk(lock(s1, 1, 1, false), Long.MAX_VALUE);
      f.svc.setlk(lock(s2, 1, 1, true), Long.MAX_VALUE);
      f.svc.closeSession(CloseSessionRequest.newBuilder().setSessionId(s1).build());
      assertThat(f.svc.getlk(lock(s3, 1, 1, false)).hasConflict()).isFalse();
      assertThat(f.svc.getlk(lock(s3, 1, 1, true)).hasConflict()).isTrue();
      f.mono.addAndGet(2_000_000_000L);
      f.svc.heartbeat(HeartbeatRequest.newBuilder().setSessionId(s3).build());
      assertThat(f.svc.expireSessions()).isEqualTo(1); // s2
      assertThat(f.svc.getlk(lock(s3, 1, 1, true)).hasConflict()).isFalse();
      expectCode(StatusCode.SESSION_EXPIRED, () -> f.svc.setlk(lock(s2, 1, 1, true), Long.MAX_VALUE));
    }
  }
}
