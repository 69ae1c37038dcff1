package io.stratafs.meta.ops;

import static io.stratafs.meta.MetaFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.common.StatusCode;
import io.stratafs.meta.ReplicationFixture;
import io.stratafs.meta.storage.RealDaemons;
import io.stratafs.protocol.meta.*;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitWriteDirtyTest {
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

  @Test
  void writtenChunksWithExternalsFallBehindOncePerCommit() {
    long ino = r.file("f", "hybrid", new byte[] {1});
    long t0 = r.f.wall.get() / 1_000_000;
    r.commit(ino, 1, false);
    ChunkInfo c = r.chunk(ino);
    assertThat(c.getDirtySeq()).isEqualTo(1);
    assertThat(c.getDirtySinceMs()).isEqualTo(t0);
    r.advanceMs(5_000);
    r.commit(ino, 1, false);
    c = r.chunk(ino);
    assertThat(c.getDirtySeq()).isEqualTo(2);
    assertThat(c.getDirtySinceMs()).isEqualTo(t0); // since the first write not yet uploaded
    assertThat(c.getExternals(0).getUploadedSeq()).isZero();
  }

  @Test
  void localOnlyChunksAndHolesAreLeftAlone() {
    long ino = r.file("f", "hot", new byte[] {1});
    r.f.svc.commitWrite(CommitWriteRequest.newBuilder().setCaller(ROOT_CALLER).setIno(ino).setNewSize(1)
        .addWrittenChunks(0).addWrittenChunks(7).build());
    assertThat(r.chunk(ino).getDirtySeq()).isZero();
  }

  @Test
  void syncExternalUploadsBeforeReplying() throws Exception {
    long ino = r.file("f", "safe", new byte[] {4, 5});
    r.commit(ino, 2, true);
    ChunkInfo c = r.chunk(ino);
    assertThat(c.getExternals(0).getGeneration()).isEqualTo(1);
    assertThat(c.getExternals(0).getLength()).isEqualTo(2);
    assertThat(c.getExternals(0).getUploadedSeq()).isEqualTo(c.getDirtySeq()).isEqualTo(1);
    assertThat(c.getDirtySinceMs()).isZero();
    assertThat(r.d.external()).containsExactly(RealDaemons.externalKey(c.getChunkId(), 1));
    assertThat(r.d.readExternal("b", c.getChunkId(), 1, 2)).containsExactly(4, 5);
  }

  @Test
  void aFailedSyncUploadIsUnavailableAndLeavesTheChunkDirty() {
    long ino = r.file("f", "safe", new byte[] {4, 5});
    r.d.stop(r.chunk(ino).getReplicas(0).getStorageId()); // the only daemon holding the bytes
    expectCode(StatusCode.UNAVAILABLE, () -> r.commit(ino, 2, true));
    ChunkInfo c = r.chunk(ino);
    assertThat(c.getDirtySeq()).isEqualTo(1);
    assertThat(c.getExternals(0).getGeneration()).isZero();
    assertThat(r.f.getattr(ino).getSize()).isEqualTo(2); // the size commit itself stands
  }

  @Test
  void truncationCutsEveryReplicaAndMarksTheChunkDirty() {
    long ino = r.file("f", "hybrid", new byte[1000]);
    r.commit(ino, 1000, false);
    r.f.setattr(ROOT_CALLER, ino, SetAttrField.SET_SIZE_VALUE, SetAttrRequest.newBuilder().setSize(10));
    ChunkInfo c = r.chunk(ino);
    assertThat(c.getDirtySeq()).isEqualTo(2);
    for (Replica replica : c.getReplicasList()) {
      assertThat(r.d.get(replica, c.getChunkId())).hasSize(10);
    }
  }
}
