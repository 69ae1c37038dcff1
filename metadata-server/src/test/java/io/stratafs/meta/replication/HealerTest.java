package io.stratafs.meta.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.meta.ReplicationFixture;
import io.stratafs.protocol.meta.*;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The healer against three real daemons that are stopped, restarted, wiped or have a chunk corrupted. */
class HealerTest {
  @TempDir Path tmp;
  ReplicationFixture r;
  Healer healer;

  @BeforeEach
  void open() {
    r = new ReplicationFixture(tmp.resolve("db"));
    healer = r.f.svc.healer();
  }

  @AfterEach
  void close() {
    r.close();
  }

  static Object[] ids(ChunkInfo c) {
    return c.getReplicasList().stream().map(Replica::getStorageId).toArray();
  }

  @Test
  void aDaemonMissingPastTheGraceIsReplacedByACopy() {
    long ino = r.file("f", "hot", new byte[] {1, 2});
    long id = r.chunk(ino).getChunkId();
    assertThat(ids(r.chunk(ino))).containsExactly("a", "b");
    r.d.stop("b");
    assertThat(healer.runOnce().dropped()).isZero(); // first seen missing now
    r.advanceMs(1_999);
    assertThat(healer.runOnce().dropped()).isZero();
    r.advanceMs(1);
    Healer.Pass p = healer.runOnce();
    assertThat(p.dropped()).isEqualTo(1);
    assertThat(p.added()).isEqualTo(1);
    ChunkInfo c = r.chunk(ino);
    assertThat(ids(c)).containsExactly("a", "c");
    assertThat(c.getVersion()).isEqualTo(3); // one bump for the removal, one for the copy
    // Copied a -> c at v3: both hold the bytes at the new version.
    assertThat(r.d.get("c", id)).containsExactly(1, 2);
    assertThat(r.d.version("c", id)).isEqualTo(3);
    assertThat(r.d.version("a", id)).isEqualTo(3);
    assertThat(healer.runOnce()).isEqualTo(new Healer.Pass(0, 0, 0, 0, 0));
  }

  @Test
  void aDaemonBackWithinTheGraceKeepsItsReplica() {
    long ino = r.file("f", "hot", new byte[] {1});
    r.d.stop("b");
    healer.runOnce();
    r.advanceMs(1_000);
    r.d.start("b"); // on its old device: the replica is still there
    healer.runOnce(); // registered again: the clock restarts
    r.d.stop("b");
    r.advanceMs(1_500);
    healer.runOnce();
    assertThat(ids(r.chunk(ino))).containsExactly("a", "b");
    r.d.start("b");
    assertThat(r.d.get("b", r.chunk(ino).getChunkId())).containsExactly(1);
  }

  @Test
  void aWipedDeviceLosesItsReplicaAtOnce() {
    long ino = r.file("f", "hot", new byte[] {1});
    r.d.wipe("b");
    Healer.Pass p = healer.runOnce();
    assertThat(p.dropped()).isEqualTo(1);
    ChunkInfo c = r.chunk(ino);
    assertThat(ids(c)).containsExactly("a", "c");
    assertThat(r.d.get("c", c.getChunkId())).containsExactly(1);
  }

  @Test
  void aCorruptReplicaIsReplacedAndItsCopyDeleted() {
    long ino = r.file("f", "hot", new byte[] {1});
    ChunkInfo c = r.chunk(ino);
    r.d.corrupt(c.getReplicas(0), c.getChunkId()); // a's copy
    Healer.Pass p = healer.runOnce();
    assertThat(p.dropped()).isEqualTo(1);
    assertThat(ids(r.chunk(ino))).containsExactly("b", "c");
    assertThat(r.d.get("a", c.getChunkId())).isNull(); // the bad copy is gone
    // Copied b -> c at v3.
    assertThat(r.d.get("c", c.getChunkId())).containsExactly(1);
    assertThat(r.d.version("c", c.getChunkId())).isEqualTo(3);
    assertThat(r.d.version("b", c.getChunkId())).isEqualTo(3);
  }

  @Test
  void theLastReplicaIsKeptWhenNothingElseHasTheData() {
    long ino = r.file("f", "single", new byte[] {1});
    String only = r.chunk(ino).getReplicas(0).getStorageId();
    r.d.stop(only);
    healer.runOnce();
    r.advanceMs(5_000);
    Healer.Pass p = healer.runOnce();
    assertThat(p.lost()).isEqualTo(1);
    assertThat(r.chunk(ino).getReplicas(0).getStorageId()).isEqualTo(only);
  }

  @Test
  void aChunkWithOnlyACurrentExternalCopyIsRestored() {
    long ino = r.file("f", "hybrid", new byte[] {5, 6, 7});
    r.commit(ino, 3, false);
    r.f.svc.replicator().runOnce(true);
    ChunkInfo c = r.chunk(ino);
    String only = c.getReplicas(0).getStorageId();
    r.d.wipe(only);
    Healer.Pass p = healer.runOnce();
    assertThat(p.dropped()).isEqualTo(1);
    assertThat(p.added()).isEqualTo(1);
    ChunkInfo healed = r.chunk(ino);
    assertThat(healed.getReplicasCount()).isEqualTo(1);
    assertThat(healed.getVersion()).isEqualTo(3);
    // Restored from generation 1 on s3main at v3.
    assertThat(healed.getExternals(0).getGeneration()).isEqualTo(1);
    assertThat(r.d.get(healed.getReplicas(0), c.getChunkId())).containsExactly(5, 6, 7);
    assertThat(r.d.version(healed.getReplicas(0).getStorageId(), c.getChunkId())).isEqualTo(3);
  }

  @Test
  void aCopyRacingAVersionChangeIsDiscardedAndRetried() {
    long ino = r.file("f", "hot", new byte[] {1});
    ChunkInfo c = r.chunk(ino);
    r.d.wipe("b"); // the healer drops b (v2) and copies a -> c
    r.f.storageRpc.afterCopy = id -> {
      r.f.storageRpc.afterCopy = x -> {};
      // Meanwhile the record moves on (as when a client excludes a replica): version 3.
      r.f.journal.submit(tx -> {
        byte[] key = io.stratafs.meta.schema.MetaSchema.chunkKey(ino, 0);
        ChunkInfo now = io.stratafs.meta.schema.MetaSchema.decodeChunk(tx.get(io.stratafs.meta.kv.Cf.CHUNKS, key));
        tx.put(io.stratafs.meta.kv.Cf.CHUNKS, key, now.toBuilder().setVersion(now.getVersion() + 1).build().toByteArray());
        return null;
      });
    };
    Healer.Pass p = healer.runOnce();
    assertThat(p.added()).isZero();
    ChunkInfo after = r.chunk(ino);
    assertThat(ids(after)).containsExactly("a");
    assertThat(after.getVersion()).isEqualTo(3);
    assertThat(r.d.get("c", c.getChunkId())).isNull(); // the orphan copy was deleted
    assertThat(healer.runOnce().added()).isEqualTo(1); // the next pass succeeds
    ChunkInfo healed = r.chunk(ino);
    assertThat(healed.getReplicasCount()).isEqualTo(2);
    assertThat(healed.getVersion()).isEqualTo(4);
    assertThat(r.d.get(healed.getReplicas(1), c.getChunkId())).containsExactly(1);
    assertThat(r.d.version(healed.getReplicas(1).getStorageId(), c.getChunkId())).isEqualTo(4);
  }

  @Test
  void surplusReplicasAreTrimmedOnceClosed() {
    long ino = r.file("f", "hot", new byte[] {1});
    long id = r.chunk(ino).getChunkId();
    r.f.svc.setPolicy(SetPolicyRequest.newBuilder().setCaller(r.caller).setIno(ino).setPolicy("single").build());
    assertThat(healer.runOnce().trimmed()).isZero(); // open: a writer may hold the two-replica chain
    r.release(ino);
    assertThat(healer.runOnce().trimmed()).isEqualTo(1);
    ChunkInfo c = r.chunk(ino);
    assertThat(ids(c)).containsExactly("a");
    assertThat(c.getVersion()).isEqualTo(2);
    assertThat(r.d.get("b", id)).isNull();
    assertThat(r.d.get("a", id)).containsExactly(1);
  }
}
