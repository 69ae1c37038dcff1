package io.stratafs.meta.ops;

import static io.stratafs.meta.MetaFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stratafs.common.StatusCode;
import io.stratafs.meta.ReplicationFixture;
import io.stratafs.protocol.meta.*;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExcludeReplicaOpTest {
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

  ChunkReply exclude(long ino, ChunkInfo c, long version, String storageId) {
    return r.f.svc.excludeReplica(ExcludeReplicaRequest.newBuilder().setCaller(ROOT_CALLER).setIno(ino)
        .setIndex(0).setChunkId(c.getChunkId()).setVersion(version).setStorageId(storageId).setDevice("d0")
        .setReason("unreachable").build());
  }

  @Test
  void removesTheReplicaBumpsTheVersionAndDeletesTheCopy() {
    long ino = r.file("f", "hot", new byte[] {1});
    ChunkInfo c = r.chunk(ino);
    assertThat(c.getReplicasList()).extracting(Replica::getStorageId).containsExactly("a", "b");
    ChunkInfo after = exclude(ino, c, 1, "b").getChunk();
    assertThat(after.getVersion()).isEqualTo(2);
    assertThat(after.getReplicasList()).extracting(Replica::getStorageId).containsExactly("a");
    assertThat(r.chunk(ino)).isEqualTo(after);
    await().atMost(Duration.ofSeconds(10)).until(() -> r.d.get("b", c.getChunkId()) == null); // the excluded copy is deleted
    assertThat(r.d.get("a", c.getChunkId())).containsExactly(1);
  }

  @Test
  void aStaleVersionOrUnknownReplicaChangesNothing() {
    long ino = r.file("f", "hot", new byte[] {1});
    ChunkInfo c = r.chunk(ino);
    exclude(ino, c, 1, "b");
    ChunkInfo now = r.chunk(ino);
    assertThat(exclude(ino, c, 1, "a").getChunk()).isEqualTo(now); // the client saw version 1
    assertThat(exclude(ino, c, 2, "c").getChunk()).isEqualTo(now); // not a replica of the chunk
    expectCode(StatusCode.NOT_FOUND, () -> exclude(ino, c.toBuilder().setChunkId(999).build(), 2, "a"));
  }

  @Test
  void theLastLocalReplicaStaysUnlessAnExternalCopyIsCurrent() {
    long ino = r.file("f", "hybrid", new byte[] {1, 2, 3});
    ChunkInfo c = r.chunk(ino);
    assertThat(c.getReplicasCount()).isEqualTo(1);
    String only = c.getReplicas(0).getStorageId();
    expectCode(StatusCode.UNAVAILABLE, () -> exclude(ino, c, 1, only));
    assertThat(r.chunk(ino).getReplicasCount()).isEqualTo(1);
    r.commit(ino, 3, false);
    r.f.svc.replicator().runOnce(true);
    assertThat(r.chunk(ino).getExternals(0).getGeneration()).isEqualTo(1);
    ChunkInfo after = exclude(ino, c, 1, only).getChunk();
    assertThat(after.getReplicasList()).isEmpty();
    assertThat(after.getVersion()).isEqualTo(2);
  }
}
