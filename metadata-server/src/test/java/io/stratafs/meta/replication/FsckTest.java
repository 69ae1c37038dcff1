package io.stratafs.meta.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.meta.ReplicationFixture;
import io.stratafs.protocol.meta.*;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uses BlobDaemons for the storage calls repair makes (CopyChunk, UploadChunk: not yet served by the daemon). */
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
    r.register("b", ReplicationFixture.reg("b", 1)); // wipes hot's second replica
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
  }

  @Test
  void aChunkWhoseOnlyReplicaIsGoneIsLost() {
    long single = r.file("single", "single", new byte[] {3});
    String home = r.chunk(single).getReplicas(0).getStorageId();
    r.register(home, ReplicationFixture.reg(home, 1));
    FsckReply reply = fsck(true);
    assertThat(reply.getLost()).isEqualTo(1);
    assertThat(reply.getDetails(0).getState()).isEqualTo("lost");
  }

  @Test
  void corruptReplicasAreCountedUntilRepaired() {
    long hot = r.file("hot", "hot", new byte[] {1});
    ChunkInfo c = r.chunk(hot);
    r.register("a", ReplicationFixture.reg("a", 0).toBuilder()
        .addCorruptChunks(ReplicaHealth.corruptName("d0", c.getChunkId())).build());
    assertThat(fsck(false).getCorrupt()).isEqualTo(1);
    FsckReply repaired = fsck(true);
    assertThat(repaired.getCorrupt()).isZero();
    assertThat(repaired.getUnderReplicated()).isZero();
  }
}
