package io.stratafs.meta;

import static io.stratafs.meta.MetaFixture.*;

import io.stratafs.meta.replication.ReplicationConfig;
import io.stratafs.meta.storage.RealDaemons;
import io.stratafs.protocol.meta.*;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A {@link MetaFixture} on RocksDB with three real storage daemons a, b, c (nodes n1..n3, nvme,
 * all reaching external target s3main, a nas directory; placement prefers a, then b, then c) and
 * helpers for files with one chunk.
 */
public final class ReplicationFixture implements AutoCloseable {
  public static final ReplicationConfig CONFIG =
      ReplicationConfig.DEFAULTS.withUploadDelayMs(200).withMissingGraceMs(2_000);

  public final RealDaemons d;
  public final MetaFixture f;
  /** Root in a real session, so files created by {@link #file} stay open until {@link #release}. */
  public final Caller caller;

  /** The metadata store in {@code dir}, the daemons' devices and external directory beside it. */
  public ReplicationFixture(Path dir) {
    d = new RealDaemons(dir.resolveSibling("daemons"), "a", "b", "c");
    try {
      f = MetaFixture.rocks(dir, CONFIG, d.view);
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    long session = f.svc.openSession(OpenSessionRequest.newBuilder().setClientName("test").setHost("h1").build())
        .getSessionId();
    caller = ROOT_CALLER.toBuilder().setSessionId(session).build();
  }

  /** A file with {@code policy} whose chunk 0 is allocated (writer on h1) and holds {@code data} on every replica. */
  public long file(String name, String policy, byte[] data) {
    long ino = f.create(caller, ROOT, name, 0644).getIno();
    f.svc.setPolicy(SetPolicyRequest.newBuilder().setCaller(ROOT_CALLER).setIno(ino).setPolicy(policy).build());
    ChunkInfo c = f.svc.allocChunks(AllocChunksRequest.newBuilder().setCaller(ROOT_CALLER).setIno(ino).addIndexes(0)
        .setClientHost("h1").build()).getChunks(0);
    for (Replica r : c.getReplicasList()) {
      d.put(r, c.getChunkId(), c.getVersion(), data);
    }
    return ino;
  }

  public AttrReply commit(long ino, long size, boolean syncExternal) {
    return f.svc.commitWrite(CommitWriteRequest.newBuilder().setCaller(ROOT_CALLER).setIno(ino).setNewSize(size)
        .addWrittenChunks(0).setSyncExternal(syncExternal).build());
  }

  public void release(long ino) {
    f.svc.release(ReleaseRequest.newBuilder().setCaller(caller).setIno(ino).build());
  }

  public ChunkInfo chunk(long ino) {
    return f.svc.getChunks(GetChunksRequest.newBuilder().setCaller(ROOT_CALLER).setIno(ino).setCount(1).build())
        .getChunks(0);
  }

  public void advanceMs(long ms) {
    f.wall.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  @Override
  public void close() {
    try {
      f.close();
    } finally {
      d.close();
    }
  }
}
