package io.stratafs.meta.replication;

import static io.stratafs.meta.schema.MetaSchema.*;

import io.stratafs.meta.journal.Journal;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvEntry;
import io.stratafs.meta.kv.KvReader;
import io.stratafs.meta.ops.Tx;
import io.stratafs.meta.policy.Policies;
import io.stratafs.meta.replication.ReplicaHealth.State;
import io.stratafs.meta.storage.ChunkStates;
import io.stratafs.meta.storage.Placement;
import io.stratafs.meta.storage.StorageRpc;
import io.stratafs.meta.storage.StorageView;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.ExternalCopy;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.tiering.Media;
import io.stratafs.tiering.StoragePolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every chunk at its policy's local replica count (docs/adr/017). Per chunk: replicas that
 * are gone past the grace period, wiped (another device incarnation) or corrupt are removed
 * (never the last one while no current external copy exists) and corrupt copies deleted; missing
 * replicas are copied from a live one ({@code CopyChunk} at version + 1) or, with none left,
 * restored from a current external copy; surplus replicas are trimmed from the chain's tail once
 * the external copies are current and the file is not open. Every record change is a journal
 * transaction that re-reads the chunk and applies only if its version is still the one the step
 * started from (else a fresh copy is deleted and the next pass retries). One pass at a time.
 */
public final class Healer {
  private static final Logger LOG = LoggerFactory.getLogger(Healer.class);
  private static final int PAGE = 1000;

  /** What one pass did and saw. */
  public record Pass(int dropped, int added, int trimmed, int lost, int underReplicated) {}

  private final KvReader store;
  private final Journal journal;
  private final StorageRpc rpc;
  private final StorageView view;
  private final Policies policies;
  private final ReplicaHealth health;
  private final LongSupplier wallMs;

  public Healer(
      KvReader store, Journal journal, StorageRpc rpc, StorageView view, Policies policies, ReplicaHealth health,
      LongSupplier wallMs) {
    this.store = store;
    this.journal = journal;
    this.rpc = rpc;
    this.view = view;
    this.policies = policies;
    this.health = health;
    this.wallMs = wallMs;
  }

  public synchronized Pass runOnce() {
    ReplicaHealth.Snapshot snap = health.snapshot(view.storages(), wallMs.getAsLong());
    Placement placement = new Placement(view);
    Map<Long, StoragePolicy> policyByIno = new HashMap<>();
    int[] counts = new int[5];
    byte[] after = null;
    List<KvEntry> page;
    while (!(page = store.scan(Cf.CHUNKS, new byte[0], after, PAGE)).isEmpty()) {
      for (KvEntry e : page) {
        ChunkKey key = ChunkKey.of(e.key());
        StoragePolicy policy = policyByIno.computeIfAbsent(key.ino(), ino -> policies.effective(store, ino));
        try {
          heal(key, decodeChunk(e.value()), policy, snap, placement, counts);
        } catch (RuntimeException ex) {
          counts[4]++;
          LOG.warn("healing chunk {} failed; will retry: {}", key, ex.toString());
        }
      }
      after = page.get(page.size() - 1).key();
    }
    return new Pass(counts[0], counts[1], counts[2], counts[3], counts[4]);
  }

  private void heal(ChunkKey key, ChunkInfo c, StoragePolicy policy, ReplicaHealth.Snapshot snap, Placement placement,
      int[] counts) {
    List<Replica> dropped = new ArrayList<>();
    c = dropBad(key, c, snap, counts, dropped);
    if (c == null) {
      return;
    }
    int want = policy.localReplicas();
    List<Set<Media>> missing = Placement.missingLocal(policy, c.getReplicasList());
    for (Set<Media> media : missing.subList(0, Math.max(0, Math.min(missing.size(), want - c.getReplicasCount())))) {
      ChunkInfo next = add(key, c, media, snap, placement, dropped);
      if (next == null) {
        break;
      }
      counts[1]++;
      c = next;
    }
    if (c.getReplicasCount() < want) {
      counts[4]++;
    }
    if (want > 0 && c.getReplicasCount() > want) {
      trim(key, c, want, counts);
    }
  }

  /** Removes replicas that are gone, wiped or corrupt; returns the chunk as it is now, or null to skip it. */
  private ChunkInfo dropBad(
      ChunkKey key, ChunkInfo c, ReplicaHealth.Snapshot snap, int[] counts, List<Replica> dropped) {
    List<Replica> keep = new ArrayList<>();
    List<Replica> corrupt = new ArrayList<>();
    boolean anyLive = false;
    for (Replica r : c.getReplicasList()) {
      State s = snap.state(r, c.getChunkId());
      switch (s) {
        case LIVE, MISSING -> keep.add(r);
        case CORRUPT -> corrupt.add(r);
        case GONE, WIPED -> {}
      }
      anyLive |= s == State.LIVE;
    }
    if (!anyLive && !ChunkStates.hasCurrentExternal(c) && (c.getReplicasCount() > 0 || c.getDirtySeq() > 0)) {
      counts[3]++; // lost (or unreachable): keep the record as it is, a daemon may come back
      return null;
    }
    if (keep.size() == c.getReplicasCount()) {
      return c;
    }
    if (keep.isEmpty() && !ChunkStates.hasCurrentExternal(c)) {
      counts[3]++;
      return null;
    }
    ChunkInfo updated = c.toBuilder().clearReplicas().addAllReplicas(keep).setVersion(c.getVersion() + 1).build();
    if (!commitIfVersion(key, c, updated)) {
      return null;
    }
    counts[0] += c.getReplicasCount() - keep.size();
    dropped.addAll(c.getReplicasList().stream().filter(r -> !keep.contains(r)).toList());
    for (Replica r : corrupt) {
      deleteQuietly(r, c.getChunkId());
    }
    LOG.info("chunk {} (id {}): removed {} bad replica(s), version {}", key, c.getChunkId(),
        c.getReplicasCount() - keep.size(), updated.getVersion());
    return updated;
  }

  /**
   * Adds one replica of {@code media}; returns the updated chunk, or null when it could not. Daemons
   * whose copy was just dropped ({@code avoid}) are not chosen this pass: a corrupt or wiped device
   * is the last place to put the data back; the next pass may use it again.
   */
  private ChunkInfo add(ChunkKey key, ChunkInfo c, Set<Media> media, ReplicaHealth.Snapshot snap, Placement placement,
      List<Replica> avoid) {
    List<Replica> taken = new ArrayList<>(c.getReplicasList());
    taken.addAll(avoid);
    long newVersion = c.getVersion() + 1;
    Replica source = null;
    for (Replica r : c.getReplicasList()) {
      if (snap.state(r, c.getChunkId()) == State.LIVE) {
        source = r;
        break;
      }
    }
    Replica dest;
    if (source != null) {
      List<Replica> to = placement.placeMore(media, "", taken, 1, null);
      if (to.isEmpty()) {
        return null;
      }
      dest = to.get(0);
      rpc.copy(source, c.getChunkId(), newVersion, dest);
    } else if (c.getReplicasCount() == 0) {
      ExternalCopy ext = ChunkStates.currentExternal(c);
      if (ext == null) {
        return null;
      }
      List<Replica> to = placement.placeMore(media, "", taken, 1, ext.getTarget());
      if (to.isEmpty()) {
        return null;
      }
      dest = to.get(0);
      rpc.restore(dest, c.getChunkId(), ext.getTarget(), ext.getGeneration(), ext.getLength(), newVersion);
    } else {
      return null; // its replicas are missing but within grace: wait for them
    }
    ChunkInfo updated = c.toBuilder().addReplicas(dest).setVersion(newVersion).build();
    if (!commitIfVersion(key, c, updated)) {
      deleteQuietly(dest, c.getChunkId());
      return null;
    }
    LOG.info("chunk {} (id {}): new replica on {}/{}, version {}", key, c.getChunkId(), dest.getStorageId(),
        dest.getDevice(), newVersion);
    return updated;
  }

  private void trim(ChunkKey key, ChunkInfo c, int want, int[] counts) {
    if (!ChunkStates.noneBehind(c)) {
      return; // the extra replicas may be the only copies of data not uploaded yet
    }
    List<Replica> surplus = c.getReplicasList().subList(want, c.getReplicasCount());
    ChunkInfo updated =
        c.toBuilder().clearReplicas().addAllReplicas(c.getReplicasList().subList(0, want)).setVersion(c.getVersion() + 1)
            .build();
    // An open file may have a writer holding the old chain: it would keep writing to the copy we delete.
    boolean done = commitIfVersion(key, c, updated, true);
    if (done) {
      counts[2] += surplus.size();
      for (Replica r : surplus) {
        deleteQuietly(r, c.getChunkId());
      }
    }
  }

  private boolean commitIfVersion(ChunkKey key, ChunkInfo seen, ChunkInfo updated) {
    return commitIfVersion(key, seen, updated, false);
  }

  /** Switches the chunk's replicas and version if it still has {@code seen}'s version. */
  private boolean commitIfVersion(ChunkKey key, ChunkInfo seen, ChunkInfo updated, boolean onlyIfClosed) {
    return journal.submit(tx -> {
      Tx t = Tx.writable(tx);
      byte[] v = t.get(Cf.CHUNKS, key.key());
      if (v == null) {
        return false;
      }
      ChunkInfo cur = decodeChunk(v);
      if (cur.getChunkId() != seen.getChunkId() || cur.getVersion() != seen.getVersion()
          || (onlyIfClosed && t.isOpen(key.ino()))) {
        return false;
      }
      // Keep what others changed meanwhile without a version bump (upload bookkeeping).
      t.put(Cf.CHUNKS, key.key(), encodeChunk(cur.toBuilder().clearReplicas().addAllReplicas(updated.getReplicasList())
          .setVersion(updated.getVersion()).build()));
      return true;
    });
  }

  private void deleteQuietly(Replica r, long chunkId) {
    try {
      rpc.delete(r, chunkId);
    } catch (RuntimeException e) {
      LOG.info("copy of chunk {} on {} not deleted: {}", chunkId, r.getStorageId(), e.toString());
    }
  }
}
