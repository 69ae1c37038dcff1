package io.stratafs.fuse.client;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.AllocChunksRequest;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.ChunkReply;
import io.stratafs.protocol.meta.ChunksReply;
import io.stratafs.protocol.meta.EnsureLocalReplicaRequest;
import io.stratafs.protocol.meta.ExcludeReplicaRequest;
import io.stratafs.protocol.meta.GetChunksRequest;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.rpc.Methods;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * Where each chunk of a file lives, cached per inode. Lookups fetch a window of {@link #WINDOW}
 * chunk indexes with one GetChunks, so sequential I/O costs one metadata call per window; a chunk
 * absent from a fetched window is a hole. Writers allocate through {@link #allocate}. Entries are
 * dropped by {@link #invalidate} (on open, for close-to-open consistency, and on truncate). The
 * placement changes a client asks for (excluding a replica it could not use, restoring a local
 * replica of a chunk that has none) go through here too, so the cache holds the server's answer.
 * Thread-safe; two threads may fetch the same window at once, which is harmless.
 */
public final class ChunkLocations {
  static final int WINDOW = 64;

  private final MetaClient meta;
  private final Map<Long, InodeChunks> byInode = new ConcurrentHashMap<>();

  public ChunkLocations(MetaClient meta) {
    this.meta = meta;
  }

  /** Chunks of one inode: known chunks and which windows have been fetched. */
  private static final class InodeChunks {
    final Map<Long, ChunkInfo> chunks = new HashMap<>();
    final Set<Long> fetchedWindows = new HashSet<>();
  }

  /** The chunk at {@code index}, or null when the file has a hole there. */
  public ChunkInfo lookup(LongFunction<Caller> caller, long ino, long index) {
    long window = index / WINDOW;
    InodeChunks cached = byInode.computeIfAbsent(ino, k -> new InodeChunks());
    synchronized (cached) {
      if (cached.fetchedWindows.contains(window)) {
        return cached.chunks.get(index);
      }
    }
    ChunksReply reply =
        meta.call(
            Methods.META_GET_CHUNKS,
            sid ->
                GetChunksRequest.newBuilder()
                    .setCaller(caller.apply(sid))
                    .setIno(ino)
                    .setFirstIndex(window * WINDOW)
                    .setCount(WINDOW)
                    .build(),
            ChunksReply.parser());
    InodeChunks target = remember(ino, reply);
    synchronized (target) {
      target.fetchedWindows.add(window);
      return target.chunks.get(index);
    }
  }

  /** Caches every chunk of {@code reply} for {@code ino}; returns the inode's cache entry. */
  private InodeChunks remember(long ino, ChunksReply reply) {
    InodeChunks target = byInode.computeIfAbsent(ino, k -> new InodeChunks());
    synchronized (target) {
      for (ChunkInfo c : reply.getChunksList()) {
        target.chunks.put(c.getIndex(), c);
      }
    }
    return target;
  }

  /** The chunks at {@code indexes}, allocating those that do not exist yet (one AllocChunks). */
  public Map<Long, ChunkInfo> allocate(LongFunction<Caller> caller, String clientHost, long ino, Collection<Long> indexes) {
    Map<Long, ChunkInfo> result = new HashMap<>();
    List<Long> missing = new ArrayList<>();
    InodeChunks cached = byInode.computeIfAbsent(ino, k -> new InodeChunks());
    synchronized (cached) {
      for (long i : indexes) {
        ChunkInfo c = cached.chunks.get(i);
        if (c != null) {
          result.put(i, c);
        } else {
          missing.add(i);
        }
      }
    }
    if (missing.isEmpty()) {
      return result;
    }
    ChunksReply reply =
        meta.call(
            Methods.META_ALLOC_CHUNKS,
            sid ->
                AllocChunksRequest.newBuilder()
                    .setCaller(caller.apply(sid))
                    .setIno(ino)
                    .addAllIndexes(missing)
                    .setClientHost(clientHost)
                    .build(),
            ChunksReply.parser());
    remember(ino, reply);
    for (ChunkInfo c : reply.getChunksList()) {
      result.put(c.getIndex(), c);
    }
    for (long i : missing) {
      if (!result.containsKey(i)) {
        throw StrataException.of(
            StatusCode.PROTOCOL_ERROR,
            "AllocChunks for inode %d did not return chunk index %d",
            ino,
            i);
      }
    }
    return result;
  }

  /**
   * meta.ExcludeReplica: the client could not use {@code replica} of {@code chunk} (as the client
   * saw it, with its version). Returns the chunk as the server has it now, and caches it.
   *
   * @throws StrataException UNAVAILABLE when the replica is the chunk's last copy (the server keeps it)
   */
  public ChunkInfo exclude(LongFunction<Caller> caller, long ino, ChunkInfo chunk, Replica replica, String reason) {
    ChunkReply reply =
        meta.call(
            Methods.META_EXCLUDE_REPLICA,
            sid ->
                ExcludeReplicaRequest.newBuilder()
                    .setCaller(caller.apply(sid))
                    .setIno(ino)
                    .setIndex(chunk.getIndex())
                    .setChunkId(chunk.getChunkId())
                    .setVersion(chunk.getVersion())
                    .setStorageId(replica.getStorageId())
                    .setDevice(replica.getDevice())
                    .setReason(reason)
                    .build(),
            ChunkReply.parser(),
            false);
    return update(ino, reply.getChunk());
  }

  /**
   * meta.EnsureLocalReplica: a writer found the chunk without a local replica; the server restores
   * one from the current external copy. Returns (and caches) the chunk with it.
   */
  public ChunkInfo ensureLocal(LongFunction<Caller> caller, String clientHost, long ino, long index) {
    ChunkReply reply =
        meta.call(
            Methods.META_ENSURE_LOCAL_REPLICA,
            sid ->
                EnsureLocalReplicaRequest.newBuilder()
                    .setCaller(caller.apply(sid))
                    .setIno(ino)
                    .setIndex(index)
                    .setClientHost(clientHost)
                    .build(),
            ChunkReply.parser(),
            false);
    return update(ino, reply.getChunk());
  }

  /**
   * The chunk at {@code index} as the server has it now (the cached view was stale), allocating it
   * if it no longer exists (a truncate removed it while a write was on its way).
   */
  public ChunkInfo refetch(LongFunction<Caller> caller, String clientHost, long ino, long index) {
    invalidate(ino);
    return allocate(caller, clientHost, ino, List.of(index)).get(index);
  }

  /** Caches {@code chunk} (a newer view from the server) and returns it. */
  public ChunkInfo update(long ino, ChunkInfo chunk) {
    InodeChunks target = byInode.computeIfAbsent(ino, k -> new InodeChunks());
    synchronized (target) {
      ChunkInfo known = target.chunks.get(chunk.getIndex());
      // Two threads may report the same chunk: keep the newest view.
      if (known == null || known.getChunkId() != chunk.getChunkId() || known.getVersion() <= chunk.getVersion()) {
        target.chunks.put(chunk.getIndex(), chunk);
      }
    }
    return chunk;
  }

  /** Forgets everything known about {@code ino}'s chunks. */
  public void invalidate(long ino) {
    byInode.remove(ino);
  }
}
