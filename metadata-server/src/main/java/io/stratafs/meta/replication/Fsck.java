package io.stratafs.meta.replication;

import static io.stratafs.meta.schema.MetaSchema.decodeChunk;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvEntry;
import io.stratafs.meta.kv.KvReader;
import io.stratafs.meta.policy.Policies;
import io.stratafs.meta.replication.ReplicaHealth.State;
import io.stratafs.meta.storage.ChunkStates;
import io.stratafs.meta.storage.StorageView;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.ExternalCopy;
import io.stratafs.protocol.meta.FsckChunk;
import io.stratafs.protocol.meta.FsckReply;
import io.stratafs.protocol.meta.FsckRequest;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.tiering.ReplicaRule;
import io.stratafs.tiering.StoragePolicy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * meta.Fsck: counts every chunk's health against its policy; with repair, first runs a healer
 * pass, a replicator pass that ignores the upload delay and another healer pass (to trim what the
 * uploads made surplus), bounded by the repair timeout (TIMED_OUT past it; the passes carry on in
 * the background). States in details: lost, corrupt, under_replicated, over_replicated,
 * pending_upload. Thread-safe.
 */
public final class Fsck {
  private static final int PAGE = 1000;

  private final KvReader store;
  private final StorageView view;
  private final Policies policies;
  private final ReplicaHealth health;
  private final Healer healer;
  private final ExternalReplicator replicator;
  private final ReplicationConfig cfg;
  private final LongSupplier wallMs;

  public Fsck(KvReader store, StorageView view, Policies policies, ReplicaHealth health, Healer healer,
      ExternalReplicator replicator, ReplicationConfig cfg, LongSupplier wallMs) {
    this.store = store;
    this.view = view;
    this.policies = policies;
    this.health = health;
    this.healer = healer;
    this.replicator = replicator;
    this.cfg = cfg;
    this.wallMs = wallMs;
  }

  public FsckReply run(FsckRequest req) {
    long repaired = 0;
    if (req.getRepair()) {
      repaired = repair();
    }
    return count(req.getMaxDetails()).setRepaired(repaired).build();
  }

  private long repair() {
    CompletableFuture<Long> f = new CompletableFuture<>();
    Thread.ofVirtual().name("meta-fsck-repair").start(() -> {
      try {
        long added = healer.runOnce().added();
        replicator.runOnce(true);
        f.complete(added + healer.runOnce().added());
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    try {
      return f.get(cfg.repairTimeoutMs(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw StrataException.of(
          StatusCode.TIMED_OUT, "fsck repair did not finish within %d ms; it goes on in the background: run fsck again",
          cfg.repairTimeoutMs());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw StrataException.of(StatusCode.INTERRUPTED, "fsck repair interrupted");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re
          : StrataException.of(StatusCode.INTERNAL, "fsck repair failed: %s", e.getCause());
    }
  }

  FsckReply.Builder count(int maxDetails) {
    long now = wallMs.getAsLong();
    ReplicaHealth.Snapshot snap = health.snapshot(view.storages(), now);
    Map<Long, StoragePolicy> policyByIno = new HashMap<>();
    FsckReply.Builder out = FsckReply.newBuilder();
    long oldestDirty = 0;
    byte[] after = null;
    List<KvEntry> page;
    while (!(page = store.scan(Cf.CHUNKS, new byte[0], after, PAGE)).isEmpty()) {
      for (KvEntry e : page) {
        ChunkKey key = ChunkKey.of(e.key());
        ChunkInfo c = decodeChunk(e.value());
        StoragePolicy policy = policyByIno.computeIfAbsent(key.ino(), ino -> policies.effective(store, ino));
        out.setChunks(out.getChunks() + 1);
        int live = 0;
        int corrupt = 0;
        for (Replica r : c.getReplicasList()) {
          State s = snap.state(r, c.getChunkId());
          live += s == State.LIVE ? 1 : 0;
          corrupt += s == State.CORRUPT ? 1 : 0;
        }
        boolean behind = !ChunkStates.noneBehind(c);
        int wantLocal = policy.localReplicas();
        long wantExternal = policy.rules().stream().filter(ReplicaRule::isExternal).mapToLong(ReplicaRule::count).sum();
        if (corrupt > 0) {
          out.setCorrupt(out.getCorrupt() + corrupt);
          detail(out, maxDetails, key, c, "corrupt", corrupt + " corrupt replica(s)");
        }
        if (live == 0 && !ChunkStates.hasCurrentExternal(c) && (c.getReplicasCount() > 0 || c.getDirtySeq() > 0)) {
          out.setLost(out.getLost() + 1);
          detail(out, maxDetails, key, c, "lost", "no readable local replica and no current external copy");
        } else if (live < wantLocal || c.getExternalsCount() < wantExternal) {
          out.setUnderReplicated(out.getUnderReplicated() + 1);
          detail(out, maxDetails, key, c, "under_replicated", String.format("%d/%d local, %d/%d external (policy %s)",
              live, wantLocal, c.getExternalsCount(), wantExternal, policy.name()));
        } else if (wantLocal > 0 ? live > wantLocal : live > 0 && !behind) {
          out.setOverReplicated(out.getOverReplicated() + 1);
          detail(out, maxDetails, key, c, "over_replicated", live + " local replicas, policy " + policy.name()
              + " wants " + wantLocal);
        }
        if (behind) {
          out.setPendingUploads(out.getPendingUploads() + 1);
          if (c.getDirtySinceMs() > 0 && (oldestDirty == 0 || c.getDirtySinceMs() < oldestDirty)) {
            oldestDirty = c.getDirtySinceMs();
          }
          detail(out, maxDetails, key, c, "pending_upload", pendingTargets(c));
        }
      }
      after = page.get(page.size() - 1).key();
    }
    return out.setMaxExternalLagMs(oldestDirty == 0 ? 0 : Math.max(0, now - oldestDirty));
  }

  private static String pendingTargets(ChunkInfo c) {
    StringBuilder sb = new StringBuilder("behind on");
    for (ExternalCopy e : c.getExternalsList()) {
      if (ChunkStates.isBehind(c, e)) {
        sb.append(' ').append(e.getTarget());
      }
    }
    return sb.toString();
  }

  private static void detail(FsckReply.Builder out, int max, ChunkKey key, ChunkInfo c, String state, String detail) {
    if (out.getDetailsCount() < max) {
      out.addDetails(FsckChunk.newBuilder().setIno(key.ino()).setIndex(key.index()).setChunkId(c.getChunkId())
          .setState(state).setDetail(detail));
    }
  }
}
