package io.stratafs.fuse.vfs;

import static io.stratafs.fuse.client.HandWrittenCluster.INO;
import static io.stratafs.fuse.client.HandWrittenCluster.replica;
import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.fuse.client.ChunkReads;
import io.stratafs.fuse.client.ChunkWrites;
import io.stratafs.fuse.client.HandWrittenCluster;
import io.stratafs.fuse.client.HandWrittenCluster.StorageHandlers;
import io.stratafs.fuse.client.ReplicaOrder;
import io.stratafs.fuse.client.StorageClient;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.CommitWriteRequest;
import io.stratafs.protocol.meta.ExternalCopy;
import io.stratafs.protocol.rpc.RpcHandler;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dirty tracking for external copies: CommitWrite lists the chunks with externals written since
 * the last commit, a deferred (fdatasync) commit carries them to the next one, and fsync of a file
 * with a sync external copy commits with sync_external at once. Real RPC servers with hand-written
 * metadata handlers (HandWrittenCluster).
 */
@Timeout(60)
class FileWriterDirtyChunksTest {
  private static final LongFunction<Caller> CALLER = sid -> Caller.newBuilder().setSessionId(sid).build();

  private static FileWriter writer(HandWrittenCluster c, AtomicLong serverSize) {
    IoServices io = ioOverOneDaemon(c, call -> RpcReply.of(WriteChunkReply.getDefaultInstance()));
    return new FileWriter(INO, io, 1 << 20, StrataVfsConfig.DEFAULT_MTIME_GRANULARITY, serverSize, new WriteBudget(4 << 20, java.time.Duration.ofSeconds(10)));
  }

  /** The data path over one storage daemon, "s1", that answers writes with {@code write}; the cluster's chunk gets it as replica. */
  static IoServices ioOverOneDaemon(HandWrittenCluster c, RpcHandler<WriteChunkRequest> write) {
    String a =
        c.startStorage(
            "s1",
            new StorageHandlers(write, call -> RpcReply.of(StorageReply.getDefaultInstance()), null, null));
    c.chunk = c.chunk.toBuilder().addReplicas(replica("s1", a)).build();
    c.connect();
    StorageClient storage = c.storageClient();
    return new IoServices(
        c.metaClient,
        storage,
        new ChunkWrites(storage, c.locations, "client-host", c.recovery),
        new ChunkReads(storage, c.locations, new ReplicaOrder("client-host"), null, c.recovery, null),
        c.locations,
        1 << 20,
        "client-host",
        c.recovery);
  }

  private static ChunkInfo chunkWith(boolean sync) {
    return ChunkInfo.newBuilder()
        .setIndex(0)
        .setChunkId(5)
        .setVersion(1)
        .addExternals(ExternalCopy.newBuilder().setTarget("ext1").setMedia("nas").setSync(sync))
        .build();
  }

  private static void write(FileWriter w, long offset, String s) {
    w.write(CALLER, offset, ByteBuffer.wrap(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void writtenChunksWithExternalsAreCommittedAndADeferredCommitCarriesThem() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      c.chunk = chunkWith(false);
      AtomicLong serverSize = new AtomicLong();
      FileWriter w = writer(c, serverSize);

      write(w, 0, "hello");
      w.flush(CALLER, false);
      assertThat(c.commits).hasSize(1);
      assertThat(c.commits.get(0).getWrittenChunksList()).containsExactly(0L);
      assertThat(c.commits.get(0).getSyncExternal()).isFalse();

      // fdatasync within the committed size skips the commit (mtime only)...
      write(w, 1, "ELL");
      w.flush(CALLER, true, true);
      assertThat(c.commits).hasSize(1);
      // ...and the next flush makes it, still naming the chunk.
      w.flush(CALLER, false);
      assertThat(c.commits).hasSize(2);
      assertThat(c.commits.get(1).getWrittenChunksList()).containsExactly(0L);

      // Nothing written since: a flush commits nothing more.
      w.flush(CALLER, false);
      assertThat(c.commits).hasSize(2);
    }
  }

  @Test
  void fsyncOfASyncExternalCopyUploadsAtOnceEvenForFdatasync() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      c.chunk = chunkWith(true);
      AtomicLong serverSize = new AtomicLong(1 << 10); // the write is inside the known size
      FileWriter w = writer(c, serverSize);

      write(w, 0, "safe bytes");
      w.flush(CALLER, true, true);
      assertThat(c.commits).hasSize(1);
      CommitWriteRequest commit = c.commits.get(0);
      assertThat(commit.getSyncExternal()).isTrue();
      assertThat(commit.getWrittenChunksList()).containsExactly(0L);

      // Written, flushed without sync (close of another descriptor), then fsync: still uploads.
      write(w, 0, "again");
      w.flush(CALLER, false);
      assertThat(c.commits.get(1).getSyncExternal()).isFalse();
      w.flush(CALLER, true, false);
      assertThat(c.commits).hasSize(3);
      assertThat(c.commits.get(2).getSyncExternal()).isTrue();
      assertThat(c.commits.get(2).getWrittenChunksList()).containsExactly(0L);
    }
  }

  @Test
  void chunksWithoutExternalsAreNotListed() throws Exception {
    try (HandWrittenCluster c = new HandWrittenCluster()) {
      c.chunk = ChunkInfo.newBuilder().setIndex(0).setChunkId(5).setVersion(1).build();
      FileWriter w = writer(c, new AtomicLong());
      write(w, 0, "plain");
      w.flush(CALLER, true);
      assertThat(c.commits).hasSize(1);
      assertThat(c.commits.get(0).getWrittenChunksList()).isEmpty();
      assertThat(c.commits.get(0).getSyncExternal()).isFalse();
    }
  }
}
