package io.stratafs.meta.ops;

import static io.stratafs.meta.MetaFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.common.StatusCode;
import io.stratafs.meta.MetaFixture;
import io.stratafs.meta.kv.Cf;
import io.stratafs.protocol.meta.*;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionAndOrphanTest {
  @TempDir Path dir;

  static Caller in(long session) {
    return ROOT_CALLER.toBuilder().setSessionId(session).build();
  }

  @Test
  void orphanIsKeptUntilTheLastRelease() {
    try (MetaFixture f = MetaFixture.memory()) {
      long s = f.svc.openSession(OpenSessionRequest.newBuilder().setClientName("c").setLeaseMs(1000).build())
          .getSessionId();
      Attr a = f.create(in(s), ROOT, "a", 0644);
      f.svc.open(OpenRequest.newBuilder().setCaller(in(s)).setIno(a.getIno()).build());
      f.unlink(ROOT_CALLER, ROOT, "a");
      assertThat(f.getattr(a.getIno()).getNlink()).isZero();
      expectCode(StatusCode.NOT_FOUND, () -> f.lookup(ROOT, "a"));
      f.svc.release(ReleaseRequest.newBuilder().setCaller(in(s)).setIno(a.getIno()).build());
      assertThat(f.getattr(a.getIno()).getNlink()).isZero(); // still opened once
      f.svc.release(ReleaseRequest.newBuilder().setCaller(in(s)).setIno(a.getIno()).build());
      expectCode(StatusCode.NOT_FOUND, () -> f.getattr(a.getIno()));
    }
  }

  @Test
  void aBatchedReleaseDropsOneOpenPerListedInodeAndALateOneLeavesALaterOpenCounted() {
    try (MetaFixture f = MetaFixture.memory()) {
      long s = f.svc.openSession(OpenSessionRequest.newBuilder().setClientName("c").setLeaseMs(1000).build())
          .getSessionId();
      Attr a = f.create(in(s), ROOT, "a", 0644);
      Attr b = f.create(in(s), ROOT, "b", 0644);
      // a: closed, then opened again before the (late) release of the first open arrives.
      f.svc.open(OpenRequest.newBuilder().setCaller(in(s)).setIno(a.getIno()).build());
      f.unlink(ROOT_CALLER, ROOT, "a");
      f.unlink(ROOT_CALLER, ROOT, "b");
      f.svc.release(ReleaseRequest.newBuilder().setCaller(in(s)).setIno(a.getIno()).addMoreInos(b.getIno()).build());
      assertThat(f.getattr(a.getIno()).getNlink()).isZero(); // its later open still holds it
      expectCode(StatusCode.NOT_FOUND, () -> f.getattr(b.getIno())); // last open gone: orphan deleted
      f.svc.release(ReleaseRequest.newBuilder().setCaller(in(s)).setIno(a.getIno()).build());
      expectCode(StatusCode.NOT_FOUND, () -> f.getattr(a.getIno()));
    }
  }

  @Test
  void sessionExpiryReleasesOpensAndDeletesOrphans() {
    try (MetaFixture f = MetaFixture.memory()) {
      long s = f.svc.openSession(OpenSessionRequest.newBuilder().setLeaseMs(1000).build()).getSessionId();
      Attr a = f.create(in(s), ROOT, "a", 0644);
      f.unlink(ROOT_CALLER, ROOT, "a");
      f.mono.addAndGet(900_000_000L);
      f.svc.heartbeat(HeartbeatRequest.newBuilder().setSessionId(s).build());
      f.mono.addAndGet(900_000_000L);
      assertThat(f.svc.expireSessions()).isZero();
      f.mono.addAndGet(200_000_000L);
      assertThat(f.svc.expireSessions()).isEqualTo(1);
      expectCode(StatusCode.NOT_FOUND, () -> f.getattr(a.getIno()));
      assertThat(f.store.scan(Cf.OPENS, new byte[0], null, 10)).isEmpty();
      expectCode(StatusCode.SESSION_EXPIRED, () -> f.svc.heartbeat(HeartbeatRequest.newBuilder().setSessionId(s).build()));
      expectCode(StatusCode.SESSION_EXPIRED, () -> f.create(in(s), ROOT, "b", 0644));
    }
  }

  @Test
  void closeSessionReleasesOpens() {
    try (MetaFixture f = MetaFixture.memory()) {
      long s = f.svc.openSession(OpenSessionRequest.getDefaultInstance()).getSessionId();
      Attr a = f.create(in(s), ROOT, "a", 0644);
      f.rename(ROOT, "a", ROOT, "b");
      f.create(ROOT, "c");
      f.rename(ROOT, "c", ROOT, "b"); // replaces the open file: orphan
      assertThat(f.getattr(a.getIno()).getNlink()).isZero();
      f.svc.closeSession(CloseSessionRequest.newBuilder().setSessionId(s).build());
      expectCode(StatusCode.NOT_FOUND, () -> f.getattr(a.getIno()));
    }
  }

  @Test
  void idCountersAndSessionsSurviveRestart() {
    long lastIno;
    long session;
    try (MetaFixture f = MetaFixture.rocks(dir)) {
      session = f.svc.openSession(OpenSessionRequest.getDefaultInstance()).getSessionId();
      lastIno = f.create(ROOT, "a").getIno();
      f.mkdir(ROOT, "d");
    }
    try (MetaFixture f = MetaFixture.rocks(dir)) {
      assertThat(f.lookup(ROOT, "a").getIno()).isEqualTo(lastIno);
      assertThat(f.create(ROOT, "b").getIno()).isGreaterThan(lastIno + 1);
      f.svc.heartbeat(HeartbeatRequest.newBuilder().setSessionId(session).build());
      assertThat(f.svc.openSession(OpenSessionRequest.getDefaultInstance()).getSessionId()).isGreaterThan(session);
    }
  }

  @Test
  void concurrentMutationsAreGroupCommitted() throws Exception {
    try (MetaFixture f = MetaFixture.rocks(dir)) {
      long before = f.journal.syncCount();
      int n = 200;
      try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < n; i++) {
          int k = i;
          pool.submit(() -> f.create(ROOT, "f" + k));
        }
      }
      ReadDirReply r = f.svc.readdir(ReadDirRequest.newBuilder().setCaller(ROOT_CALLER).setIno(ROOT).build());
      assertThat(r.getEntriesCount()).isEqualTo(n);
      assertThat(f.journal.syncCount() - before).isLessThanOrEqualTo(n);
    }
  }
}
