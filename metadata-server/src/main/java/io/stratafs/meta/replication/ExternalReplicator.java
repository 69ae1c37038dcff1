package io.stratafs.meta.replication;

import static io.stratafs.meta.schema.MetaSchema.*;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.journal.Journal;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvEntry;
import io.stratafs.meta.kv.KvReader;
import io.stratafs.meta.ops.Tx;
import io.stratafs.meta.policy.Policies;
import io.stratafs.meta.storage.ChunkStates;
import io.stratafs.meta.storage.StorageRpc;
import io.stratafs.meta.storage.StorageView;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.ExternalCopy;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.storage.StorageRegistration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings chunks' external copies up to date (docs/adr/017). Chunks that may be behind live in an
 * in-memory index fed by CommitWrite and truncation and rebuilt by one scan when this server
 * becomes leader, so a pass never scans the whole namespace. A due chunk (dirty for at least the
 * upload delay) is uploaded as generation + 1 by a daemon that holds a local replica and reaches
 * the target; the record then takes that generation with {@code uploaded_seq} = the dirty_seq read
 * before the upload, so a write committed meanwhile leaves the chunk dirty for the next round.
 * Older generations are deleted afterwards. Chunks of a policy without local rules ({@code cold})
 * lose their staging replica once current and no longer open. Uploads of one chunk never overlap
 * (a lock stripe per chunk); a pass runs at most {@code uploadConcurrency} uploads at once on
 * virtual threads. Thread-safe.
 */
public final class ExternalReplicator {
  private static final Logger LOG = LoggerFactory.getLogger(ExternalReplicator.class);
  private static final int PAGE = 1000;

  /** What one pass did. */
  public record Pass(int uploaded, int failed, int stagingDropped, int pending) {}

  private final KvReader store;
  private final Journal journal;
  private final StorageRpc rpc;
  private final StorageView view;
  private final Policies policies;
  private final ReplicationConfig cfg;
  private final LongSupplier wallMs;
  /** Chunks that may need work, with the stamp of the latest mark (so a pass never drops a newer mark). */
  private final Map<ChunkKey, Long> index = new ConcurrentHashMap<>();
  private final AtomicLong stamps = new AtomicLong();
  private final ReentrantLock[] stripes = new ReentrantLock[64];
  private volatile boolean indexed;
  private volatile long oldestDirtySinceMs;
  private volatile int pending;

  public ExternalReplicator(
      KvReader store, Journal journal, StorageRpc rpc, StorageView view, Policies policies, ReplicationConfig cfg,
      LongSupplier wallMs) {
    this.store = store;
    this.journal = journal;
    this.rpc = rpc;
    this.view = view;
    this.policies = policies;
    this.cfg = cfg;
    this.wallMs = wallMs;
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** A committed change made the chunk's external copies fall behind. */
  public void markDirty(long ino, long index) {
    this.index.put(new ChunkKey(ino, index), stamps.incrementAndGet());
  }

  /** This server (again) became leader: the next pass rebuilds the index from the records. */
  public void reindex() {
    indexed = false;
  }

  /** Chunks known to be behind at the last pass. */
  public int pending() {
    return pending;
  }

  /** Age of the oldest dirty_since among chunks behind at the last pass; 0 = none. */
  public long lagMs() {
    long oldest = oldestDirtySinceMs;
    return oldest == 0 ? 0 : Math.max(0, wallMs.getAsLong() - oldest);
  }

  /** One pass over the index; {@code ignoreDelay} uploads even chunks dirty for less than the delay (fsck repair). */
  public Pass runOnce(boolean ignoreDelay) {
    if (!indexed) {
      rebuild();
      indexed = true;
    }
    AtomicInteger uploaded = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger dropped = new AtomicInteger();
    AtomicInteger behind = new AtomicInteger();
    AtomicLong oldest = new AtomicLong(Long.MAX_VALUE);
    Semaphore permits = new Semaphore(cfg.uploadConcurrency());
    try (ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("meta-replicator-", 0).factory())) {
      for (Map.Entry<ChunkKey, Long> e : new ArrayList<>(index.entrySet())) {
        permits.acquireUninterruptibly();
        pool.submit(() -> {
          try {
            Outcome o = process(e.getKey(), e.getValue(), ignoreDelay, false);
            uploaded.addAndGet(o.uploaded);
            dropped.addAndGet(o.stagingDropped ? 1 : 0);
            if (o.stillBehindSinceMs > 0) {
              behind.incrementAndGet();
              oldest.accumulateAndGet(o.stillBehindSinceMs, Math::min);
            }
          } catch (RuntimeException ex) {
            failed.incrementAndGet();
            behind.incrementAndGet();
            LOG.warn("upload of chunk {} failed; will retry: {}", e.getKey(), ex.toString());
          } finally {
            permits.release();
          }
        });
      }
    }
    pending = behind.get();
    oldestDirtySinceMs = oldest.get() == Long.MAX_VALUE ? 0 : oldest.get();
    return new Pass(uploaded.get(), failed.get(), dropped.get(), behind.get());
  }

  /**
   * Uploads the chunk's synchronous external copies that are behind, now (CommitWrite with
   * sync_external). Throws UNAVAILABLE when an upload fails: the data is still on the local replicas.
   */
  public void uploadSync(long ino, long index) {
    process(new ChunkKey(ino, index), null, true, true);
  }

  private record Outcome(int uploaded, boolean stagingDropped, long stillBehindSinceMs) {}

  private Outcome process(ChunkKey key, Long stamp, boolean ignoreDelay, boolean onlySync) {
    ReentrantLock lock = stripes[Math.floorMod(key.hashCode(), stripes.length)];
    lock.lock();
    try {
      ChunkInfo c = read(key);
      if (c == null) {
        forget(key, stamp);
        return new Outcome(0, false, 0);
      }
      int uploaded = 0;
      if (!ChunkStates.noneBehind(c)) {
        if (!ignoreDelay && wallMs.getAsLong() - c.getDirtySinceMs() < cfg.uploadDelayMs()) {
          return new Outcome(0, false, c.getDirtySinceMs());
        }
        uploaded = uploadBehind(key, c, onlySync);
        c = read(key);
        if (c == null) {
          forget(key, stamp);
          return new Outcome(uploaded, false, 0);
        }
      }
      if (!ChunkStates.noneBehind(c)) {
        return new Outcome(uploaded, false, c.getDirtySinceMs() == 0 ? wallMs.getAsLong() : c.getDirtySinceMs());
      }
      boolean dropped = false;
      if (!onlySync && c.getReplicasCount() > 0 && policies.effective(store, key.ino()).localReplicas() == 0) {
        dropped = dropStaging(key, c);
        if (!dropped) {
          return new Outcome(uploaded, false, 0); // still open: keep it indexed and try later
        }
      }
      forget(key, stamp);
      return new Outcome(uploaded, dropped, 0);
    } finally {
      lock.unlock();
    }
  }

  private void forget(ChunkKey key, Long stamp) {
    if (stamp != null) {
      index.remove(key, stamp);
    }
  }

  private int uploadBehind(ChunkKey key, ChunkInfo c, boolean onlySync) {
    long seqAtStart = c.getDirtySeq();
    int uploaded = 0;
    for (ExternalCopy e : c.getExternalsList()) {
      if (!ChunkStates.isBehind(c, e) || (onlySync && !e.getSync())) {
        continue;
      }
      Replica source = sourceFor(c, e.getTarget());
      long generation = e.getGeneration() + 1;
      long length;
      try {
        length = rpc.upload(source, c.getChunkId(), e.getTarget(), generation);
      } catch (StrataException ex) {
        throw StrataException.of(
            StatusCode.UNAVAILABLE, "uploading chunk %d to external target %s through %s failed: %s",
            c.getChunkId(), e.getTarget(), source.getStorageId(), ex.getMessage());
      }
      Commit result = commitUpload(key, c.getChunkId(), e.getTarget(), generation, length, seqAtStart);
      uploaded++;
      if (result == Commit.GONE) {
        deleteExternalQuietly(source, c.getChunkId(), e.getTarget(), 0);
      } else if (result == Commit.DONE && generation > 1) {
        deleteExternalQuietly(source, c.getChunkId(), e.getTarget(), generation);
      }
    }
    return uploaded;
  }

  private enum Commit { DONE, SUPERSEDED, GONE }

  /** Records the upload if the chunk still exists and nobody recorded a newer generation. */
  Commit commitUpload(ChunkKey key, long chunkId, String target, long generation, long length, long seqAtStart) {
    return journal.submit(tx -> {
      Tx t = Tx.writable(tx);
      byte[] v = t.get(Cf.CHUNKS, key.key());
      ChunkInfo cur = v == null ? null : decodeChunk(v);
      if (cur == null || cur.getChunkId() != chunkId) {
        return Commit.GONE;
      }
      ChunkInfo.Builder b = cur.toBuilder();
      for (int i = 0; i < b.getExternalsCount(); i++) {
        ExternalCopy e = b.getExternals(i);
        if (!e.getTarget().equals(target)) {
          continue;
        }
        if (e.getGeneration() >= generation) {
          return Commit.SUPERSEDED;
        }
        b.setExternals(i, e.toBuilder().setGeneration(generation).setLength(length).setUploadedSeq(seqAtStart));
        ChunkInfo updated = b.build();
        if (ChunkStates.noneBehind(updated)) {
          updated = updated.toBuilder().setDirtySinceMs(0).build();
        }
        t.put(Cf.CHUNKS, key.key(), encodeChunk(updated));
        return Commit.DONE;
      }
      return Commit.SUPERSEDED; // the target is no longer one of the chunk's copies
    });
  }

  /** A live daemon holding a local replica and reaching {@code target}; UNAVAILABLE if none. */
  private Replica sourceFor(ChunkInfo c, String target) {
    List<StorageRegistration> regs = view.storages();
    for (Replica r : c.getReplicasList()) {
      for (StorageRegistration s : regs) {
        if (s.getStorageId().equals(r.getStorageId())
            && s.getExternalsList().stream().anyMatch(t -> t.getName().equals(target))) {
          return r.toBuilder().setAddress(s.getAddress()).build();
        }
      }
    }
    throw StrataException.of(
        StatusCode.UNAVAILABLE, "no live storage daemon holds a replica of chunk %d and reaches external target %s",
        c.getChunkId(), target);
  }

  /** Drops a current cold chunk's staging replicas unless the file is open (a writer may still use them). */
  private boolean dropStaging(ChunkKey key, ChunkInfo seen) {
    List<Replica> removed = journal.submit(tx -> {
      Tx t = Tx.writable(tx);
      byte[] v = t.get(Cf.CHUNKS, key.key());
      if (v == null) {
        return List.<Replica>of();
      }
      ChunkInfo cur = decodeChunk(v);
      if (cur.getVersion() != seen.getVersion() || !ChunkStates.noneBehind(cur) || !ChunkStates.hasCurrentExternal(cur)
          || t.isOpen(key.ino())) {
        return null;
      }
      t.put(Cf.CHUNKS, key.key(),
          encodeChunk(cur.toBuilder().clearReplicas().setVersion(cur.getVersion() + 1).build()));
      return cur.getReplicasList();
    });
    if (removed == null) {
      return false;
    }
    for (Replica r : removed) {
      try {
        rpc.delete(r, seen.getChunkId());
      } catch (RuntimeException e) {
        LOG.info("staging replica of chunk {} on {} not deleted ({}); the daemon keeps an unreferenced copy",
            seen.getChunkId(), r.getStorageId(), e.toString());
      }
    }
    return true;
  }

  private void deleteExternalQuietly(Replica via, long chunkId, String target, long keepFrom) {
    try {
      rpc.deleteExternal(via, chunkId, target, keepFrom);
    } catch (RuntimeException e) {
      LOG.info("old generations of chunk {} on {} not deleted: {}", chunkId, target, e.toString());
    }
  }

  private ChunkInfo read(ChunkKey key) {
    byte[] v = store.get(Cf.CHUNKS, key.key());
    return v == null ? null : decodeChunk(v);
  }

  /** Indexes every chunk that is behind or still has a staging replica to drop. */
  private void rebuild() {
    byte[] after = null;
    List<KvEntry> page;
    int n = 0;
    while (!(page = store.scan(Cf.CHUNKS, new byte[0], after, PAGE)).isEmpty()) {
      for (KvEntry e : page) {
        ChunkInfo c = decodeChunk(e.value());
        if (c.getExternalsCount() > 0 && (!ChunkStates.noneBehind(c) || c.getReplicasCount() > 0)) {
          ChunkKey k = ChunkKey.of(e.key());
          if (!ChunkStates.noneBehind(c) || policies.effective(store, k.ino()).localReplicas() == 0) {
            index.putIfAbsent(k, stamps.incrementAndGet());
            n++;
          }
        }
      }
      after = page.get(page.size() - 1).key();
    }
    LOG.info("replicator indexed {} chunks with external work pending", n);
  }
}
