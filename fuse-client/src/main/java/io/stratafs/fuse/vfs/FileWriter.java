package io.stratafs.fuse.vfs;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.stratafs.fuse.client.Futures;
import io.stratafs.protocol.meta.AttrReply;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.CommitWriteRequest;
import io.stratafs.protocol.rpc.Methods;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * Buffers one file's writes and flushes them: AllocChunks for the chunks touched, WriteChunk RPCs
 * in parallel (one per run of adjacent bytes), then CommitWrite with the new size.
 *
 * <p>A flush moves the buffer aside ({@code flushing}) so writes continue into a fresh one; reads
 * overlay both. When a flush fails, its bytes go back under the newer writes and the error is
 * thrown to whoever flushed (flush, fsync, release, or a write that found the buffer full), so
 * nothing is reported durable that is not. A write that finds the buffer over its limit flushes
 * first and fails if that flush fails: memory stays bounded while the service is down.
 *
 * <p>Thread-safe: buffer state is guarded by {@code this}; one flush runs at a time ({@code
 * flushLock}).
 */
final class FileWriter {
  /** Largest WriteChunk payload, well under the RPC frame limit. */
  static final int MAX_WRITE_BYTES = 4 << 20;

  private final long ino;
  private final IoServices io;
  private final long limitBytes;
  private final AtomicLong serverSize;
  private final ReentrantLock flushLock = new ReentrantLock();
  private DirtyBuffer dirty = new DirtyBuffer();
  private DirtyBuffer flushing;
  /** Chunk indexes written without sync since the last fsync: fsync must sync them. */
  private final Set<Long> unsyncedChunks = new HashSet<>();

  FileWriter(long ino, IoServices io, long limitBytes, AtomicLong serverSize) {
    this.ino = ino;
    this.io = io;
    this.limitBytes = limitBytes;
    this.serverSize = serverSize;
  }

  /** Buffers {@code src}'s remaining bytes at {@code offset}, flushing first if the buffer is full. */
  void write(LongFunction<Caller> caller, long offset, ByteBuffer src) {
    if (pendingBytes() >= limitBytes) {
      flush(caller, false);
    }
    synchronized (this) {
      dirty.write(offset, src);
    }
  }

  synchronized long pendingBytes() {
    return dirty.bytes() + (flushing == null ? 0 : flushing.bytes());
  }

  synchronized boolean hasPending() {
    return !dirty.isEmpty() || flushing != null;
  }

  /** One past the last buffered byte (0 when nothing is buffered). */
  synchronized long end() {
    return Math.max(dirty.end(), flushing == null ? 0 : flushing.end());
  }

  /** Buffered bytes over [offset, offset + length), oldest first so newer ones win on overlay. */
  synchronized List<DirtyBuffer.Extent> snapshot(long offset, long length) {
    List<DirtyBuffer.Extent> out = new ArrayList<>();
    if (flushing != null) {
      out.addAll(flushing.overlapping(offset, length));
    }
    out.addAll(dirty.overlapping(offset, length));
    return out;
  }

  /** Drops buffered bytes at or past {@code size} (nothing of them has been acknowledged durable). */
  synchronized void truncate(long size) {
    dirty.truncate(size);
  }

  /** Drops every buffered byte; returns how many were dropped. */
  synchronized long discard() {
    long n = dirty.bytes();
    dirty = new DirtyBuffer();
    return n;
  }

  /**
   * Sends the buffered bytes to the storage daemons and commits the new size. With {@code sync}
   * the daemons fsync, and chunks written earlier without sync are synced too.
   */
  void flush(LongFunction<Caller> caller, boolean sync) {
    flushLock.lock();
    try {
      DirtyBuffer batch;
      Set<Long> toSync;
      synchronized (this) {
        batch = dirty;
        dirty = new DirtyBuffer();
        flushing = batch;
        toSync = sync ? new TreeSet<>(unsyncedChunks) : Set.of();
      }
      try {
        Set<Long> written = writeOut(caller, batch, sync);
        if (sync) {
          Set<Long> rest = new TreeSet<>(toSync);
          rest.removeAll(written);
          syncChunks(caller, rest);
        }
        synchronized (this) {
          flushing = null;
          if (sync) {
            unsyncedChunks.removeAll(toSync);
          } else {
            unsyncedChunks.addAll(written);
          }
        }
      } catch (RuntimeException e) {
        synchronized (this) {
          // The failed bytes go back under anything written since, which is newer.
          for (DirtyBuffer.Extent x : dirty.extents()) {
            batch.put(x);
          }
          dirty = batch;
          flushing = null;
        }
        // Placement may have changed (stale version, replica moved): fetch it afresh next time.
        io.chunks().invalidate(ino);
        throw e;
      }
    } finally {
      flushLock.unlock();
    }
  }

  private Set<Long> writeOut(LongFunction<Caller> caller, DirtyBuffer batch, boolean sync) {
    if (batch.isEmpty()) {
      return Set.of();
    }
    List<DirtyBuffer.Run> runs = batch.runs(io.chunkSize(), MAX_WRITE_BYTES);
    Set<Long> indexes = new TreeSet<>();
    for (DirtyBuffer.Run r : runs) {
      indexes.add(r.chunkIndex());
    }
    Map<Long, ChunkInfo> chunks = io.chunks().allocate(caller, io.clientHost(), ino, indexes);
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (DirtyBuffer.Run r : runs) {
      writes.add(io.storage().write(chunks.get(r.chunkIndex()), r.offsetInChunk(), toByteBuf(r), sync));
    }
    Futures.awaitAll(writes);
    long newSize = batch.end();
    AttrReply committed =
        io.meta()
            .call(
                Methods.META_COMMIT_WRITE,
                sid ->
                    CommitWriteRequest.newBuilder()
                        .setCaller(caller.apply(sid))
                        .setIno(ino)
                        .setNewSize(newSize)
                        .build(),
                AttrReply.parser());
    long size = committed.hasAttr() ? Math.max(committed.getAttr().getSize(), newSize) : newSize;
    serverSize.accumulateAndGet(size, Math::max);
    return indexes;
  }

  private void syncChunks(LongFunction<Caller> caller, Set<Long> indexes) {
    if (indexes.isEmpty()) {
      return;
    }
    Map<Long, ChunkInfo> chunks = io.chunks().allocate(caller, io.clientHost(), ino, indexes);
    List<CompletableFuture<Void>> syncs = new ArrayList<>();
    for (long i : indexes) {
      syncs.add(io.storage().sync(chunks.get(i)));
    }
    Futures.awaitAll(syncs);
  }

  /** The run's bytes as one buffer over the extents' arrays, without copying. */
  private static ByteBuf toByteBuf(DirtyBuffer.Run run) {
    ByteBuffer[] parts = new ByteBuffer[run.parts().size()];
    for (int i = 0; i < parts.length; i++) {
      parts[i] = run.parts().get(i).asByteBuffer();
    }
    return Unpooled.wrappedBuffer(parts);
  }
}
