package io.stratafs.meta;

import static io.stratafs.meta.schema.MetaSchema.*;

import io.stratafs.common.ChunkFileFormat;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.journal.Journal;
import io.stratafs.meta.journal.Mutation;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvEntry;
import io.stratafs.meta.kv.KvStore;
import io.stratafs.meta.locks.LockManager;
import io.stratafs.meta.locks.LockOwner;
import io.stratafs.meta.locks.LockRange;
import io.stratafs.meta.ops.*;
import io.stratafs.meta.policy.Policies;
import io.stratafs.meta.replication.ExternalReplicator;
import io.stratafs.meta.replication.Fsck;
import io.stratafs.meta.replication.Healer;
import io.stratafs.meta.replication.ReplicaHealth;
import io.stratafs.meta.replication.ReplicationConfig;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.meta.storage.ReplicaAddresses;
import io.stratafs.meta.storage.StorageRpc;
import io.stratafs.meta.storage.StorageView;
import io.stratafs.protocol.meta.*;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The in-process entry point of the metadata service: one method per RPC. Read-only calls run on
 * the caller's thread against the latest committed state; mutations go through the {@link Journal}.
 * Thread-safe.
 */
public final class MetaService {
  /** CRC block size of the chunk store, reported in FsInfo. */
  public static final int CHUNK_BLOCK_SIZE = ChunkFileFormat.DEFAULT_BLOCK_SIZE;

  /** How to assemble a service. */
  public record Setup(
      String fsName,
      long chunkSize,
      StorageView storage,
      StorageRpc storageRpc,
      LongSupplier wallNanos,
      LongSupplier monoNanos,
      LeaderGate gate,
      ReplicationConfig replication) {
    /** With the default replication settings. */
    public Setup(String fsName, long chunkSize, StorageView storage, StorageRpc storageRpc, LongSupplier wallNanos,
        LongSupplier monoNanos, LeaderGate gate) {
      this(fsName, chunkSize, storage, storageRpc, wallNanos, monoNanos, gate, ReplicationConfig.DEFAULTS);
    }
  }

  private final KvStore store;
  private final Journal journal;
  private final MetaContext ctx;
  private final LeaderGate gate;
  private final LockManager locks;
  private final ExternalReplicator replicator;
  private final Healer healer;
  private final Fsck fsck;

  /** Longest a blocking SetLk parks before answering "not yet" (the client asks again). */
  static final long MAX_LOCK_PARK_NANOS = 10_000_000_000L;

  public MetaService(KvStore store, Journal journal, Setup setup) {
    this.store = store;
    this.journal = journal;
    this.gate = setup.gate();
    this.ctx =
        new MetaContext(
            setup.fsName(),
            setup.chunkSize(),
            setup.wallNanos(),
            setup.monoNanos(),
            new IdAllocator(store, "next_inode", MetaContext.ROOT_INO + 1, 1024),
            new IdAllocator(store, "next_chunk", 1, 1024),
            new IdAllocator(store, "next_session", 1, 64),
            setup.storage(),
            setup.storageRpc(),
            new Sessions(),
            new Policies(setup.replication().policyDefinitions()));
    this.locks = new LockManager(ctx.sessions()::isLive);
    LongSupplier wallMs = ctx::nowMs;
    ReplicaHealth health = new ReplicaHealth(setup.replication().missingGraceMs());
    this.replicator =
        new ExternalReplicator(store, journal, ctx.storageRpc(), ctx.storage(), ctx.policies(), setup.replication(), wallMs);
    this.healer = new Healer(store, journal, ctx.storageRpc(), ctx.storage(), ctx.policies(), health, wallMs);
    this.fsck = new Fsck(store, ctx.storage(), ctx.policies(), health, healer, replicator, setup.replication(), wallMs);
    createRootIfMissing();
    restoreSessions();
  }

  public MetaContext context() {
    return ctx;
  }

  /** The leader's external uploader (run by MetadataServer's background schedule). */
  public ExternalReplicator replicator() {
    return replicator;
  }

  /** The leader's replica healer (run by MetadataServer's background schedule). */
  public Healer healer() {
    return healer;
  }

  private void createRootIfMissing() {
    journal.submit(
        tx -> {
          Tx t = Tx.writable(tx);
          if (t.inodeOrNull(MetaContext.ROOT_INO) == null) {
            long now = ctx.now();
            InodeRecord.Builder b = InodeRecord.builder();
            b.ino = MetaContext.ROOT_INO;
            b.mode = InodeRecord.S_IFDIR | 0755;
            b.nlink = 2;
            b.parent = MetaContext.ROOT_INO;
            b.atimeNs = b.mtimeNs = b.ctimeNs = now;
            t.putInode(b.build());
          }
          return null;
        });
  }

  /** Stored sessions get a fresh lease: their clients may still be alive after our restart. */
  private void restoreSessions() {
    byte[] after = null;
    List<KvEntry> page;
    while (!(page = store.scan(Cf.SESSIONS, new byte[0], after, 1000)).isEmpty()) {
      for (KvEntry e : page) {
        long lease = decodeSession(e.value()).getLeaseMs() * 1_000_000L;
        ctx.sessions().renew(readU64(e.key(), 0), lease, ctx.monoNanos().getAsLong());
      }
      after = page.get(page.size() - 1).key();
    }
  }

  private <T> T read(Function<Tx, T> op) {
    gate.checkLeader();
    return op.apply(Tx.readOnly(store));
  }

  /**
   * Whether this server leads and knows it without asking ZooKeeper, so a call can be answered on
   * the event loop (a follower's NOT_LEADER answer looks the leader up, which blocks).
   */
  public boolean leadingCheaply() {
    return gate.leadingCheaply();
  }

  private <T> CompletableFuture<T> writeAsync(Function<Tx, T> op) {
    gate.checkLeader();
    return journal.submitAsync(tx -> op.apply(Tx.writable(tx)));
  }

  /**
   * A name change (ADR 032) or a release (ADR 016): answered once in the WAL, made durable by the
   * journal's background sync or by the next fsync/fsyncdir ({@link #sync}).
   */
  private <T> CompletableFuture<T> writeUnsyncedAsync(Function<Tx, T> op) {
    gate.checkLeader();
    return journal.submitAsync(Mutation.unsynced(tx -> op.apply(Tx.writable(tx))));
  }

  /** The result of a journal future, rethrowing what the mutation threw as it was. */
  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  private <T> T write(Function<Tx, T> op) {
    gate.checkLeader();
    Mutation<T> m = tx -> op.apply(Tx.writable(tx));
    return journal.submit(m);
  }

  public LookupReply lookup(LookupRequest r) {
    return read(tx -> LookupOp.run(tx, r));
  }

  public AttrReply getattr(GetAttrRequest r) {
    return read(tx -> GetAttrOp.run(tx, r));
  }

  public AttrReply setattr(SetAttrRequest r) {
    gate.checkLeader();
    if (changesSize(r)) {
      // Cut the straddling chunk on its replicas first, so a later extension exposes zeros.
      long cut = Truncation.cutChunkIndex(ctx, r.getSize());
      if (cut >= 0 && Truncation.needsLocalReplica(Tx.readOnly(store), r.getIno(), r.getSize(), cut)) {
        // A cold chunk whose staging replica is gone: bring one back to cut (the external copy is immutable).
        ensureLocalReplica(EnsureLocalReplicaRequest.newBuilder().setCaller(r.getCaller()).setIno(r.getIno())
            .setIndex(cut).build());
      }
      Truncation.cutStraddlingChunk(ctx, Tx.readOnly(store), r.getIno(), r.getSize());
      AttrReply reply = write(tx -> SetAttrOp.run(ctx, tx, r));
      if (cut >= 0) {
        replicator.markDirty(r.getIno(), cut);
      }
      return reply;
    }
    return await(setattrAsync(r));
  }

  /** A setattr that changes no size (sizes cut replicas first: {@link #setattr} only). */
  public CompletableFuture<AttrReply> setattrAsync(SetAttrRequest r) {
    if (changesSize(r)) {
      throw new IllegalArgumentException("a size change must go through setattr: it cuts replicas first");
    }
    return writeAsync(tx -> SetAttrOp.run(ctx, tx, r));
  }

  public static boolean changesSize(SetAttrRequest r) {
    return (r.getValid() & SetAttrField.SET_SIZE_VALUE) != 0;
  }

  public AttrReply create(CreateRequest r) {
    return await(createAsync(r));
  }

  public CompletableFuture<AttrReply> createAsync(CreateRequest r) {
    return writeUnsyncedAsync(tx -> CreateOp.run(ctx, tx, r));
  }

  public AttrReply mknod(MknodRequest r) {
    return await(mknodAsync(r));
  }

  public CompletableFuture<AttrReply> mknodAsync(MknodRequest r) {
    return writeUnsyncedAsync(tx -> MknodOp.run(ctx, tx, r));
  }

  public AttrReply mkdir(MkdirRequest r) {
    return await(mkdirAsync(r));
  }

  public CompletableFuture<AttrReply> mkdirAsync(MkdirRequest r) {
    return writeUnsyncedAsync(tx -> MkdirOp.run(ctx, tx, r));
  }

  public DirChangeReply unlink(UnlinkRequest r) {
    return await(unlinkAsync(r));
  }

  public CompletableFuture<DirChangeReply> unlinkAsync(UnlinkRequest r) {
    return writeUnsyncedAsync(tx -> UnlinkOp.run(ctx, tx, r));
  }

  public DirChangeReply rmdir(RmdirRequest r) {
    return await(rmdirAsync(r));
  }

  public CompletableFuture<DirChangeReply> rmdirAsync(RmdirRequest r) {
    return writeUnsyncedAsync(tx -> RmdirOp.run(ctx, tx, r));
  }

  public AttrReply symlink(SymlinkRequest r) {
    return await(symlinkAsync(r));
  }

  public CompletableFuture<AttrReply> symlinkAsync(SymlinkRequest r) {
    return writeUnsyncedAsync(tx -> SymlinkOp.run(ctx, tx, r));
  }

  public ReadlinkReply readlink(ReadlinkRequest r) {
    return read(tx -> ReadlinkOp.run(tx, r));
  }

  public AttrReply link(LinkRequest r) {
    return await(linkAsync(r));
  }

  public CompletableFuture<AttrReply> linkAsync(LinkRequest r) {
    return writeUnsyncedAsync(tx -> LinkOp.run(ctx, tx, r));
  }

  public EmptyReply rename(RenameRequest r) {
    return await(renameAsync(r));
  }

  public CompletableFuture<EmptyReply> renameAsync(RenameRequest r) {
    return writeUnsyncedAsync(tx -> RenameOp.run(ctx, tx, r));
  }

  public ReadDirReply readdir(ReadDirRequest r) {
    return read(tx -> ReadDirOp.run(tx, r));
  }

  public StatFsReply statfs(StatFsRequest r) {
    gate.checkLeader();
    return StatFsOp.run(ctx);
  }

  public EmptyReply setxattr(SetXattrRequest r) {
    return await(setxattrAsync(r));
  }

  public CompletableFuture<EmptyReply> setxattrAsync(SetXattrRequest r) {
    return writeAsync(tx -> SetXattrOp.run(ctx, tx, r));
  }

  public GetXattrReply getxattr(GetXattrRequest r) {
    return read(tx -> GetXattrOp.run(tx, r));
  }

  public ListXattrReply listxattr(ListXattrRequest r) {
    return read(tx -> ListXattrOp.run(tx, r));
  }

  public EmptyReply removexattr(RemoveXattrRequest r) {
    return await(removexattrAsync(r));
  }

  public CompletableFuture<EmptyReply> removexattrAsync(RemoveXattrRequest r) {
    return writeAsync(tx -> RemoveXattrOp.run(ctx, tx, r));
  }

  public OpenReply open(OpenRequest r) {
    return await(openAsync(r));
  }

  public CompletableFuture<OpenReply> openAsync(OpenRequest r) {
    return writeAsync(tx -> OpenOp.run(ctx, tx, r));
  }

  /**
   * Not synced on its own: a release only drops an open record (and deletes an orphan nobody
   * holds), which closing or expiring the session redoes if a power loss undoes it; see ADR 016.
   */
  public EmptyReply release(ReleaseRequest r) {
    return await(releaseAsync(r));
  }

  public CompletableFuture<EmptyReply> releaseAsync(ReleaseRequest r) {
    return writeUnsyncedAsync(tx -> ReleaseOp.run(tx, r));
  }

  /** fsync/fsyncdir's barrier: every namespace change acknowledged before it is durable on return. */
  public EmptyReply sync(SyncRequest r) {
    gate.checkLeader();
    syncRequests.incrementAndGet();
    journal.awaitDurable();
    return EmptyReply.getDefaultInstance();
  }

  /** Sync requests (fsync/fsyncdir barriers) served so far. */
  public long syncRequests() {
    return syncRequests.get();
  }

  public EmptyReply access(AccessRequest r) {
    return read(tx -> AccessOp.run(tx, r));
  }

  public OpenSessionReply openSession(OpenSessionRequest r) {
    long id = write(tx -> SessionOps.open(ctx, tx, r));
    return OpenSessionReply.newBuilder()
        .setSessionId(id)
        .setLeaseMs(r.getLeaseMs() == 0 ? SessionOps.DEFAULT_LEASE_MS : r.getLeaseMs())
        .setEpoch(epoch())
        .setFs(fsInfo())
        .build();
  }

  public EmptyReply heartbeat(HeartbeatRequest r) {
    gate.checkLeader();
    if (!ctx.sessions().heartbeat(r.getSessionId(), ctx.monoNanos().getAsLong())) {
      throw StrataException.of(
          StatusCode.SESSION_EXPIRED, "session %d expired or unknown: open a new session", r.getSessionId());
    }
    return EmptyReply.getDefaultInstance();
  }

  public EmptyReply closeSession(CloseSessionRequest r) {
    try {
      return write(tx -> {
        SessionOps.close(ctx, tx, r.getSessionId());
        return EmptyReply.getDefaultInstance();
      });
    } finally {
      locks.releaseSession(r.getSessionId());
    }
  }

  /** Expires every session past its lease, releasing its opens; returns how many. */
  public int expireSessions() {
    List<Long> expired = ctx.sessions().expired(ctx.monoNanos().getAsLong());
    for (long id : expired) {
      journal.submit(tx -> {
        Tx t = Tx.writable(tx);
        if (t.get(Cf.SESSIONS, u64(id)) != null) {
          SessionOps.close(ctx, t, id);
        } else {
          ctx.sessions().remove(id);
        }
        return null;
      });
      locks.releaseSession(id);
    }
    return expired.size();
  }

  public FsInfo getFsInfo(GetFsInfoRequest r) {
    gate.checkLeader();
    return fsInfo();
  }

  private FsInfo fsInfo() {
    return FsInfo.newBuilder()
        .setName(ctx.fsName())
        .setChunkSize(ctx.chunkSize())
        .setRootIno(MetaContext.ROOT_INO)
        .setBlockSize(CHUNK_BLOCK_SIZE)
        .build();
  }

  private volatile long epoch;
  private final AtomicLong syncRequests = new AtomicLong();

  /** The leader epoch handed to clients in OpenSessionReply. */
  public long epoch() {
    return epoch;
  }

  void setEpoch(long epoch) {
    if (epoch != this.epoch) {
      // A new term: locks granted before it are not ours to honour (ADR 010); clients re-acquire.
      locks.clear();
      replicator.reindex();
    }
    this.epoch = epoch;
  }

  public ChunksReply getChunks(GetChunksRequest r) {
    return ReplicaAddresses.inReply(ctx.storage(), read(tx -> GetChunksOp.run(tx, r)));
  }

  public ChunksReply allocChunks(AllocChunksRequest r) {
    return ReplicaAddresses.inReply(ctx.storage(), write(tx -> AllocChunksOp.run(ctx, tx, r)));
  }

  /**
   * Commits, then (sync_external) uploads the written chunks' synchronous external copies before
   * replying, here on the handler's (virtual) thread, never inside the journal: a failed upload is
   * UNAVAILABLE (fsync fails with EIO; the data stays on the local replicas and is uploaded later).
   */
  public AttrReply commitWrite(CommitWriteRequest r) {
    AttrReply reply = write(tx -> CommitWriteOp.run(ctx, tx, r));
    markDirty(r);
    if (r.getSyncExternal()) {
      for (long index : r.getWrittenChunksList()) {
        replicator.uploadSync(r.getIno(), index);
      }
    }
    return reply;
  }

  /** A commitWrite without sync_external, answered from the journal thread (markDirty is a map put). */
  public CompletableFuture<AttrReply> commitWriteAsync(CommitWriteRequest r) {
    if (r.getSyncExternal()) {
      throw new IllegalArgumentException("a commit with sync_external uploads before answering: commitWrite only");
    }
    return writeAsync(tx -> CommitWriteOp.run(ctx, tx, r)).thenApply(reply -> {
      markDirty(r);
      return reply;
    });
  }

  private void markDirty(CommitWriteRequest r) {
    for (long index : r.getWrittenChunksList()) {
      replicator.markDirty(r.getIno(), index);
    }
  }

  /** Removes the replica (see ExcludeReplicaOp), then asks its daemon, in the background, to drop the copy. */
  public ChunkReply excludeReplica(ExcludeReplicaRequest r) {
    ExcludeReplicaOp.Result result = write(tx -> ExcludeReplicaOp.run(ctx, tx, r));
    Replica removed = result.removed();
    if (removed != null) {
      long chunkId = r.getChunkId();
      Thread.ofVirtual().name("meta-exclude-delete").start(() -> {
        try {
          ctx.storageRpc().delete(removed, chunkId);
        } catch (RuntimeException e) {
          // Unreachable daemons are the usual reason for an exclusion; the copy is unreferenced.
        }
      });
    }
    return ChunkReply.newBuilder().setChunk(ReplicaAddresses.inReply(ctx.storage(),
        ChunksReply.newBuilder().addChunks(result.reply().getChunk()).build()).getChunks(0)).build();
  }

  /** Places (and restores from the external copy when there is data) a local replica; see EnsureLocalReplicaOp. */
  public ChunkReply ensureLocalReplica(EnsureLocalReplicaRequest r) {
    EnsureLocalReplicaOp.Plan plan = read(tx -> EnsureLocalReplicaOp.prepare(ctx, tx, r));
    ChunkInfo chunk;
    if (plan.seen() == null) {
      chunk = allocChunks(AllocChunksRequest.newBuilder().setCaller(r.getCaller()).setIno(r.getIno())
          .addIndexes(r.getIndex()).setClientHost(r.getClientHost()).build()).getChunks(0);
      return ChunkReply.newBuilder().setChunk(chunk).build();
    }
    if (plan.done() != null) {
      chunk = plan.done();
    } else {
      long chunkId = plan.seen().getChunkId();
      long version = plan.seen().getVersion() + 1;
      if (plan.source() != null) {
        try {
          ctx.storageRpc().restore(plan.replica(), chunkId, plan.source().getTarget(), plan.source().getGeneration(),
              plan.source().getLength(), version);
        } catch (StrataException e) {
          throw StrataException.of(StatusCode.UNAVAILABLE, "restoring chunk %d from external target %s onto %s failed: %s",
              chunkId, plan.source().getTarget(), plan.replica().getStorageId(), e.getMessage());
        }
      }
      boolean[] installed = new boolean[1];
      chunk = write(tx -> EnsureLocalReplicaOp.commit(tx, r.getIno(), r.getIndex(), plan.seen(), plan.replica(),
          installed)).getChunk();
      if (!installed[0] && plan.source() != null) {
        try {
          ctx.storageRpc().delete(plan.replica(), chunkId);
        } catch (RuntimeException e) {
          // best effort: an unreferenced copy only costs space
        }
      }
    }
    return ChunkReply.newBuilder().setChunk(ReplicaAddresses.inReply(ctx.storage(),
        ChunksReply.newBuilder().addChunks(chunk).build()).getChunks(0)).build();
  }

  public PolicyReply setPolicy(SetPolicyRequest r) {
    return write(tx -> SetPolicyOp.run(ctx, tx, r));
  }

  public PolicyReply getPolicy(GetPolicyRequest r) {
    return read(tx -> GetPolicyOp.run(ctx, tx, r));
  }

  public ListPoliciesReply listPolicies(ListPoliciesRequest r) {
    gate.checkLeader();
    return ListPoliciesOp.run(ctx);
  }

  public FsckReply fsck(FsckRequest r) {
    gate.checkLeader();
    return fsck.run(r);
  }

  /** The lock table (tests, diagnostics). */
  public LockManager locks() {
    return locks;
  }

  public GetLkReply getlk(LockRequest r) {
    gate.checkLeader();
    GetLkReply.Builder b = GetLkReply.newBuilder();
    locks.getlk(lockRequest(r)).ifPresent(l -> b.setConflict(heldLock(l)));
    return b.build();
  }

  /**
   * F_SETLK / F_SETLKW. A blocking request parks this (virtual) thread for at most half of what
   * is left of the caller's deadline and {@link #MAX_LOCK_PARK_NANOS}, then answers granted=false
   * so the caller asks again well before its RPC times out.
   */
  public SetLkReply setlk(LockRequest r, long callDeadlineNanos) {
    gate.checkLeader();
    Long waitUntil = null;
    if (r.getWait()) {
      long now = System.nanoTime();
      waitUntil = now + Math.min(MAX_LOCK_PARK_NANOS, Math.max(0, (callDeadlineNanos - now) / 2));
    }
    return SetLkReply.newBuilder().setGranted(locks.setlk(lockRequest(r), waitUntil)).build();
  }

  public EmptyReply unlockOwner(UnlockOwnerRequest r) {
    gate.checkLeader();
    locks.unlockOwner(r.getIno(), new LockOwner(r.getCaller().getSessionId(), r.getOwner()), r.getFlock());
    return EmptyReply.getDefaultInstance();
  }

  public EmptyReply cancelLockWait(CancelLockWaitRequest r) {
    gate.checkLeader();
    locks.cancelWait(r.getIno(), new LockOwner(r.getCaller().getSessionId(), r.getOwner()), r.getFlock());
    return EmptyReply.getDefaultInstance();
  }

  private static LockManager.Request lockRequest(LockRequest r) {
    long start = r.getStart();
    long end = r.getEnd();
    if (r.getFlock()) {
      start = 0;
      end = LockRange.EOF;
    }
    return new LockManager.Request(
        r.getIno(), new LockOwner(r.getCaller().getSessionId(), r.getOwner()), start, end, r.getType(),
        r.getPid(), r.getFlock());
  }

  private static HeldLock heldLock(LockRange l) {
    return HeldLock.newBuilder()
        .setStart(l.start())
        .setEnd(l.end())
        .setType(l.type())
        .setPid(l.pid())
        .setSessionId(l.owner().session())
        .setOwner(l.owner().owner())
        .build();
  }
}
