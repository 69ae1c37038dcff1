package io.stratafs.meta.replication;

import static io.stratafs.meta.MetaFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.common.StatusCode;
import io.stratafs.meta.ReplicationFixture;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.storage.RealDaemons;
import io.stratafs.meta.storage.ChunkGc;
import io.stratafs.protocol.meta.*;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replicator against three real daemons uploading to a nas directory. */
class ExternalReplicatorTest {
  @TempDir Path tmp;
  ReplicationFixture r;
  ExternalReplicator rep;

  @BeforeEach
  void open() {
    r = new ReplicationFixture(tmp.resolve("db"));
    rep = r.f.svc.replicator();
  }

  @AfterEach
  void close() {
    r.close();
  }

  @Test
  void uploadsOnceTheDelayPassedThenDropsOlderGenerations() throws Exception {
    long ino = r.file("f", "hybrid", new byte[] {1, 2});
    r.commit(ino, 2, false);
    r.advanceMs(100);
    assertThat(rep.runOnce(false).uploaded()).isZero(); // dirty for 100 ms < 200 ms
    assertThat(rep.pending()).isEqualTo(1);
    assertThat(rep.lagMs()).isEqualTo(100);
    r.advanceMs(100);
    assertThat(rep.runOnce(false).uploaded()).isEqualTo(1);
    ChunkInfo c = r.chunk(ino);
    assertThat(c.getExternals(0)).extracting(ExternalCopy::getGeneration, ExternalCopy::getLength,
        ExternalCopy::getUploadedSeq).containsExactly(1L, 2L, 1L);
    assertThat(c.getDirtySinceMs()).isZero();
    assertThat(rep.pending()).isZero();
    assertThat(rep.lagMs()).isZero();
    assertThat(r.d.readExternal("a", c.getChunkId(), 1, 2)).containsExactly(1, 2);

    r.d.put(c.getReplicas(0), c.getChunkId(), c.getVersion(), new byte[] {3, 3, 3});
    r.commit(ino, 3, false);
    r.advanceMs(200);
    rep.runOnce(false);
    c = r.chunk(ino);
    assertThat(c.getExternals(0).getGeneration()).isEqualTo(2);
    assertThat(r.d.external()).containsExactly(RealDaemons.externalKey(c.getChunkId(), 2));
    assertThat(r.d.readExternal("a", c.getChunkId(), 2, 3)).containsExactly(3, 3, 3);
    assertThat(rep.runOnce(false).uploaded()).isZero(); // nothing left to do
  }

  @Test
  void aWriteCommittedDuringTheUploadLeavesTheChunkDirty() {
    long ino = r.file("f", "hybrid", new byte[] {1});
    r.commit(ino, 1, false);
    r.f.storageRpc.afterUpload = id -> {
      r.f.storageRpc.afterUpload = x -> {};
      r.commit(ino, 1, false); // races the upload: dirty_seq 1 -> 2
    };
    rep.runOnce(true);
    ChunkInfo c = r.chunk(ino);
    assertThat(c.getExternals(0).getGeneration()).isEqualTo(1);
    assertThat(c.getExternals(0).getUploadedSeq()).isEqualTo(1);
    assertThat(c.getDirtySeq()).isEqualTo(2);
    assertThat(c.getDirtySinceMs()).isNotZero();
    assertThat(rep.pending()).isEqualTo(1);
    rep.runOnce(true);
    c = r.chunk(ino);
    assertThat(c.getExternals(0).getGeneration()).isEqualTo(2);
    assertThat(c.getExternals(0).getUploadedSeq()).isEqualTo(2);
  }

  @Test
  void anUploadOfADeletedChunkIsRemovedAgain() {
    long ino = r.file("f", "hybrid", new byte[] {1});
    r.commit(ino, 1, false);
    r.release(ino);
    r.f.storageRpc.afterUpload = id -> r.f.unlink(ROOT_CALLER, ROOT, "f");
    rep.runOnce(true);
    assertThat(r.d.external()).isEmpty();
  }

  @Test
  void coldStagingReplicasGoOnceCurrentAndClosed() {
    long ino = r.file("f", "cold", new byte[] {9});
    r.commit(ino, 1, false);
    rep.runOnce(true);
    ChunkInfo c = r.chunk(ino);
    assertThat(c.getExternals(0).getGeneration()).isEqualTo(1);
    assertThat(c.getReplicasCount()).isEqualTo(1); // still open: a writer may use the staging replica
    r.release(ino);
    assertThat(rep.runOnce(false).stagingDropped()).isEqualTo(1);
    c = r.chunk(ino);
    assertThat(c.getReplicasList()).isEmpty();
    assertThat(c.getVersion()).isEqualTo(2);
    assertThat(r.d.localChunks()).isEmpty();
  }

  @Test
  void aNewLeaderFindsDirtyChunksInTheRecords() {
    long ino = r.file("f", "hybrid", new byte[] {1});
    r.commit(ino, 1, false);
    ExternalReplicator fresh = new ExternalReplicator(r.f.store, r.f.journal, r.f.storageRpc,
        r.f.view, r.f.svc.context().policies(), ReplicationFixture.CONFIG,
        r.f.svc.context()::nowMs);
    assertThat(fresh.runOnce(true).uploaded()).isEqualTo(1);
    assertThat(r.chunk(ino).getExternals(0).getGeneration()).isEqualTo(1);
  }

  @Test
  void noDaemonReachingTheTargetIsAFailureRetriedLater() {
    long ino = r.file("f", "hybrid", new byte[] {1});
    r.commit(ino, 1, false);
    String holder = r.chunk(ino).getReplicas(0).getStorageId();
    r.d.stop(holder);
    r.d.start(holder, false); // back without s3main
    ExternalReplicator.Pass p = rep.runOnce(true);
    assertThat(p.failed()).isEqualTo(1);
    assertThat(p.pending()).isEqualTo(1);
  }

  @Test
  void gcDeletesEveryExternalGeneration() {
    long ino = r.file("f", "hybrid", new byte[] {1});
    r.commit(ino, 1, false);
    rep.runOnce(true);
    r.release(ino);
    r.f.unlink(ROOT_CALLER, ROOT, "f");
    assertThat(r.d.external()).isNotEmpty();
    ChunkGc gc = new ChunkGc(r.f.store, r.f.journal, r.f.storageRpc, r.f.view);
    assertThat(gc.runOnce()).isEqualTo(1);
    assertThat(r.d.external()).isEmpty();
    assertThat(r.d.localChunks()).isEmpty();
    assertThat(r.f.store.scan(Cf.GC, new byte[0], null, 10)).isEmpty();
  }

  @Test
  void ensureLocalReplicaRestoresAColdChunk() {
    long ino = r.file("f", "cold", new byte[] {7, 8});
    r.commit(ino, 2, false);
    r.release(ino);
    rep.runOnce(true);
    rep.runOnce(true);
    assertThat(r.chunk(ino).getReplicasList()).isEmpty();
    // Every daemon is on 127.0.0.1, so the client's host does not pick one: placement's first choice does.
    ChunkInfo c = r.f.svc.ensureLocalReplica(EnsureLocalReplicaRequest.newBuilder().setCaller(ROOT_CALLER)
        .setIno(ino).setIndex(0).setClientHost("127.0.0.1").build()).getChunk();
    assertThat(c.getReplicasList()).extracting(Replica::getStorageId).containsExactly("a");
    assertThat(c.getVersion()).isEqualTo(3);
    assertThat(r.d.get(c.getReplicas(0), c.getChunkId())).containsExactly(7, 8);
    assertThat(r.d.version("a", c.getChunkId())).isEqualTo(3);
    // A chunk with a local replica is returned as is.
    assertThat(r.f.svc.ensureLocalReplica(EnsureLocalReplicaRequest.newBuilder().setCaller(ROOT_CALLER)
        .setIno(ino).setIndex(0).build()).getChunk()).isEqualTo(c);
  }

  @Test
  void truncatingAColdChunkWithoutLocalReplicaRestoresOneFirst() {
    long ino = r.file("f", "cold", new byte[] {1, 2, 3, 4});
    r.commit(ino, 4, false);
    r.release(ino);
    rep.runOnce(true);
    assertThat(r.chunk(ino).getReplicasList()).isEmpty();
    r.f.setattr(ROOT_CALLER, ino, SetAttrField.SET_SIZE_VALUE, SetAttrRequest.newBuilder().setSize(2));
    ChunkInfo c = r.chunk(ino);
    assertThat(c.getReplicasCount()).isEqualTo(1);
    assertThat(r.d.get(c.getReplicas(0), c.getChunkId())).containsExactly(1, 2);
    assertThat(c.getDirtySeq()).isEqualTo(2);
    rep.runOnce(true);
    assertThat(r.chunk(ino).getExternals(0).getLength()).isEqualTo(2);
  }

  @Test
  void ensureLocalReplicaRefusesWhenTheDataIsLost() {
    long ino = r.file("f", "hybrid", new byte[] {1});
    ChunkInfo c = r.chunk(ino);
    r.commit(ino, 1, false);
    rep.runOnce(true);
    r.f.svc.excludeReplica(ExcludeReplicaRequest.newBuilder().setCaller(ROOT_CALLER).setIno(ino).setIndex(0)
        .setChunkId(c.getChunkId()).setVersion(1).setStorageId(c.getReplicas(0).getStorageId()).setDevice("d0").build());
    r.commit(ino, 1, false); // a write the external copy never saw, and no replica holds it any more
    expectCode(StatusCode.UNAVAILABLE, () -> r.f.svc.ensureLocalReplica(EnsureLocalReplicaRequest.newBuilder()
        .setCaller(ROOT_CALLER).setIno(ino).setIndex(0).build()));
    // A chunk never written just gets a replica.
    long fresh = r.f.create(ROOT, "g").getIno();
    ChunkInfo g = r.f.svc.ensureLocalReplica(EnsureLocalReplicaRequest.newBuilder().setCaller(ROOT_CALLER)
        .setIno(fresh).setIndex(4).build()).getChunk();
    assertThat(g.getReplicasCount()).isEqualTo(1);
  }
}
