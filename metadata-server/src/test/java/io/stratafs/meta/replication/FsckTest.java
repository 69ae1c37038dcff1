package io.stratafs.meta.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.meta.ReplicationFixture;
import io.stratafs.protocol.meta.*;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fsck over three real daemons: wiped devices and a corrupt chunk file. */
class FsckTest {
  @TempDir Path tmp;
  ReplicationFixture r;

  @BeforeEach
  void open() {
    r = new ReplicationFixture(tmp.resolve("db"));
  }

  @AfterEach
  void close() {
    r.close();
  }

  FsckReply fsck(boolean repair) {
    return r.f.svc.fsck(FsckRequest.newBuilder().setRepair(repair).setMaxDetails(10).build());
  }

  @Test
  void countsThenRepairs() {
    long hot = r.file("hot", "hot", new byte[] {1});
    long hybrid = r.file("hybrid", "hybrid", new byte[] {2});
    long single = r.file("single", "single", new byte[] {3});
    r.commit(hybrid, 1, false);
    r.advanceMs(1_000);
    r.d.wipe("b"); // loses hot's second replica
    FsckReply before = fsck(false);
    assertThat(before.getChunks()).isEqualTo(3);
    assertThat(before.getUnderReplicated()).isEqualTo(1);
    assertThat(before.getPendingUploads()).isEqualTo(1);
    assertThat(before.getMaxExternalLagMs()).isEqualTo(1_000);
    assertThat(before.getLost()).isZero();
    assertThat(before.getDetailsList()).extracting(FsckChunk::getIno, FsckChunk::getState)
        .contains(org.assertj.core.groups.Tuple.tuple(hot, "under_replicated"),
            org.assertj.core.groups.Tuple.tuple(hybrid, "pending_upload"));

    FsckReply after = fsck(true);
    assertThat(after.getRepaired()).isEqualTo(1);
    assertThat(after.getUnderReplicated()).isZero();
    assertThat(after.getPendingUploads()).isZero();
    assertThat(after.getMaxExternalLagMs()).isZero();
    assertThat(after.getDetailsList()).isEmpty();
    assertThat(r.chunk(single).getReplicasCount()).isEqualTo(1);
    ChunkInfo h = r.chunk(hot);
    assertThat(h.getReplicasCount()).isEqualTo(2);
    for (Replica replica : h.getReplicasList()) {
      assertThat(r.d.get(replica, h.getChunkId())).containsExactly(1);
    }
  }

  @Test
  void aChunkWhoseOnlyReplicaIsGoneIsLost() {
    long single = r.file("single", "single", new byte[] {3});
    String home = r.chunk(single).getReplicas(0).getStorageId();
    r.d.wipe(home);
    FsckReply reply = fsck(true);
    assertThat(reply.getLost()).isEqualTo(1);
    assertThat(reply.getDetails(0).getState()).isEqualTo("lost");
  }

  @Test
  void corruptReplicasAreCountedUntilRepaired() {
    long hot = r.file("hot", "hot", new byte[] {1});
    ChunkInfo c = r.chunk(hot);
    assertThat(c.getReplicas(0).getStorageId()).isEqualTo("a");
    r.d.corrupt(c.getReplicas(0), c.getChunkId());
    assertThat(r.d.registration("a").getCorruptChunksList())
        .containsExactly(ReplicaHealth.corruptName("d0", c.getChunkId()));
    assertThat(fsck(false).getCorrupt()).isEqualTo(1);
    FsckReply repaired = fsck(true);
    assertThat(repaired.getCorrupt()).isZero();
    assertThat(repaired.getUnderReplicated()).isZero();
    ChunkInfo now = r.chunk(hot);
    for (Replica replica : now.getReplicasList()) {
      assertThat(r.d.get(replica, c.getChunkId())).containsExactly(1);
    }
  }
}
