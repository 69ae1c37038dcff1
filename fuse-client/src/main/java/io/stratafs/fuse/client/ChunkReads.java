package io.stratafs.fuse.client;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.ExternalCopy;
import io.stratafs.protocol.meta.Replica;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a range of a chunk from the first source that answers (docs/adr/017): the local replicas,
 * same host first, then each <em>current</em> external copy ({@code generation > 0} and {@code
 * uploaded_seq == dirty_seq}) through any live daemon that reaches its target. A replica that is
 * unreachable, times out or fails is skipped; one with a checksum mismatch (CORRUPT) is also
 * reported to the metadata server (meta.ExcludeReplica, reason "corrupt") in the background. When
 * no source answers the read fails with UNAVAILABLE (EIO): never zeros. Thread-safe.
 */
public final class ChunkReads {
  private static final Logger log = LoggerFactory.getLogger(ChunkReads.class);

  private final StorageClient storage;
  private final ChunkLocations chunks;
  private final ReplicaOrder order;
  private final StorageDirectory directory;
  private final Executor background;
  private final LocalReplicaReader local;

  /**
   * @param directory where external targets are reachable; null = read local replicas only
   * @param background runs the best-effort exclusion of corrupt replicas (blocking calls)
   * @param local short-circuit reads of replicas on this machine; null = always through the daemon
   */
  public ChunkReads(
      StorageClient storage,
      ChunkLocations chunks,
      ReplicaOrder order,
      StorageDirectory directory,
      Executor background,
      LocalReplicaReader local) {
    this.local = local;
    this.storage = storage;
    this.chunks = chunks;
    this.order = order;
    this.directory = directory;
    this.background = background;
  }

  /** One place to read from: a replica, or an external copy through a daemon. */
  private record Source(Replica replica, ExternalCopy external, String address) {
    String describe() {
      return replica != null
          ? "replica " + replica.getStorageId() + "/" + replica.getDevice() + " at " + replica.getAddress()
          : "external copy on " + external.getTarget() + " (generation " + external.getGeneration() + ") via " + address;
    }
  }

  /**
   * Reads {@code dst.remaining()} bytes at {@code offset} of {@code chunk} (of inode {@code ino})
   * into {@code dst} from its position (not moved); completes with the bytes the chunk had there.
   */
  public CompletableFuture<Integer> read(LongFunction<Caller> caller, long ino, ChunkInfo chunk, long offset, ByteBuffer dst) {
    return read(caller, ino, chunk, offset, dst, false);
  }

  /**
   * Like {@link #read(LongFunction, long, ChunkInfo, long, ByteBuffer)}; with {@code
   * onCallerThread} the first replica is read by the calling platform thread on its own
   * connection (for a caller that waits for this read alone). Fallbacks are the same either way.
   */
  public CompletableFuture<Integer> read(
      LongFunction<Caller> caller, long ino, ChunkInfo chunk, long offset, ByteBuffer dst, boolean onCallerThread) {
    int wanted = dst.remaining();
    return readOnce(caller, ino, chunk, offset, dst, onCallerThread)
        .thenCompose(
            n -> n >= wanted
                ? CompletableFuture.completedFuture(n)
                : CompletableFuture.supplyAsync(() -> confirmShort(caller, ino, chunk, offset, dst, n), background));
  }

  /**
   * A replica answered with less data than asked for (the caller asks only within the file's
   * size): a hole, or a view gone stale while a replica was excluded, deleted or re-created by
   * healing (an emptied replica reads as an empty chunk). Zeros are returned only when the
   * metadata server still lists the replicas this read used; otherwise the read is repeated on
   * the current view. Costs one GetChunks per short read: holes inside files are rare.
   */
  private int confirmShort(LongFunction<Caller> caller, long ino, ChunkInfo used, long offset, ByteBuffer dst, int n) {
    chunks.invalidate(ino);
    ChunkInfo now = chunks.lookup(caller, ino, used.getIndex());
    if (now == null
        || (now.getChunkId() == used.getChunkId()
            && now.getVersion() == used.getVersion()
            && now.getReplicasList().equals(used.getReplicasList()))) {
      return n; // a hole (or the chunk was truncated away): zeros are the answer
    }
    log.info("short read of chunk {} of inode {} on a stale view (version {} -> {}): reading again",
        used.getChunkId(), ino, used.getVersion(), now.getVersion());
    return Futures.await(readOnce(caller, ino, now, offset, dst, false));
  }

  private CompletableFuture<Integer> readOnce(
      LongFunction<Caller> caller, long ino, ChunkInfo chunk, long offset, ByteBuffer dst, boolean onCallerThread) {
    List<Source> sources = sources(chunk);
    if (sources.isEmpty()) {
      return CompletableFuture.failedFuture(unreadable(ino, chunk, "it has no local replica and no current external copy"));
    }
    return readFrom(caller, ino, chunk, sources, 0, offset, dst, onCallerThread);
  }

  private List<Source> sources(ChunkInfo chunk) {
    List<Source> out = new ArrayList<>();
    for (Replica r : order.forRead(chunk.getReplicasList())) {
      out.add(new Source(r, null, r.getAddress()));
    }
    if (directory != null) {
      for (ExternalCopy e : chunk.getExternalsList()) {
        if (e.getGeneration() > 0 && e.getUploadedSeq() == chunk.getDirtySeq()) {
          for (String address : directory.daemonsFor(e.getTarget(), chunk)) {
            out.add(new Source(null, e, address));
          }
        }
      }
    }
    return out;
  }

  private CompletableFuture<Integer> readFrom(
      LongFunction<Caller> caller,
      long ino,
      ChunkInfo chunk,
      List<Source> sources,
      int i,
      long offset,
      ByteBuffer dst,
      boolean onCallerThread) {
    Source s = sources.get(i);
    // Only the first attempt waits for an in-flight permit: fallbacks start on event-loop threads.
    boolean first = i == 0;
    if (first && local != null && s.replica() != null) {
      int n = local.tryRead(chunk, s.replica(), offset, dst); // the caller's thread: no hop
      if (n != LocalReplicaReader.NOT_SERVED) {
        return CompletableFuture.completedFuture(n);
      }
    }
    CompletableFuture<Integer> attempt;
    try {
      attempt =
          s.replica() != null
              ? storage.read(chunk, s.replica(), offset, dst, first, first && onCallerThread)
              : storage.readExternal(s.address(), chunk, s.external(), offset, dst, first);
    } catch (RuntimeException e) {
      attempt = CompletableFuture.failedFuture(e);
    }
    return attempt
        .handle(
            (n, err) -> {
              if (err == null) {
                return CompletableFuture.completedFuture(n);
              }
              StatusCode code = StrataException.codeOf(err);
              if (!worthAnotherSource(code)) {
                return CompletableFuture.<Integer>failedFuture(err);
              }
              String cause = Futures.rethrow(err).getMessage();
              if (code == StatusCode.CORRUPT && s.replica() != null) {
                reportCorrupt(caller, ino, chunk, s.replica());
              }
              if (i + 1 >= sources.size()) {
                return CompletableFuture.<Integer>failedFuture(
                    unreadable(ino, chunk, "all " + sources.size() + " sources failed; last: " + s.describe() + ": " + cause));
              }
              log.warn("reading chunk {} from {} failed ({}); trying the next source", chunk.getChunkId(), s.describe(), cause);
              return readFrom(caller, ino, chunk, sources, i + 1, offset, dst, false);
            })
        .thenCompose(f -> f);
  }

  private static boolean worthAnotherSource(StatusCode code) {
    return code == StatusCode.UNAVAILABLE
        || code == StatusCode.TIMED_OUT
        || code == StatusCode.CORRUPT
        || code == StatusCode.NOT_FOUND
        || code == StatusCode.IO_ERROR;
  }

  /** Best effort: the healer finds the corrupt copy anyway through the scrubber. */
  private void reportCorrupt(LongFunction<Caller> caller, long ino, ChunkInfo chunk, Replica replica) {
    try {
      background.execute(
          () -> {
            try {
              chunks.exclude(caller, ino, chunk, replica, "corrupt");
              log.warn("excluded corrupt replica {} of chunk {} of inode {}", replica.getStorageId(), chunk.getChunkId(), ino);
            } catch (RuntimeException e) {
              log.warn("could not report corrupt replica {} of chunk {}: {}", replica.getStorageId(), chunk.getChunkId(), e.toString());
            }
          });
    } catch (RuntimeException e) {
      log.warn("could not report corrupt replica {} of chunk {}: {}", replica.getStorageId(), chunk.getChunkId(), e.toString());
    }
  }

  private static StrataException unreadable(long ino, ChunkInfo chunk, String why) {
    return StrataException.of(
        StatusCode.UNAVAILABLE,
        "chunk %d of inode %d has no readable replica: %s",
        chunk.getIndex(),
        ino,
        why);
  }
}
