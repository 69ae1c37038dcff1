package io.stratafs.fuse.vfs;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.fuse.client.Futures;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.ChunkInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongFunction;

/**
 * The first fsync through an open file syncs every chunk the file has, not only the chunks this
 * open wrote. A {@link FileWriter} remembers which chunks it wrote without sync, but that memory
 * ends with the last close: bytes written, closed, reopened and fsynced (the checkpointer pattern
 * of PostgreSQL, {@code cp} then {@code fsync}, another process's writes) would otherwise sit
 * unforced in the storage daemons' page cache. Later fsyncs of the same open rely on the writer's
 * record again. A sync of a clean chunk file costs the daemon little.
 */
final class WholeFileSync {
  private final IoServices io;

  WholeFileSync(IoServices io) {
    this.io = io;
  }

  void run(LongFunction<Caller> caller, OpenFile file) {
    long size = file.size();
    long chunks = (size + io.chunkSize() - 1) / io.chunkSize();
    List<CompletableFuture<Void>> syncs = new ArrayList<>();
    for (long i = 0; i < chunks; i++) {
      ChunkInfo chunk = io.chunks().lookup(caller, file.ino, i);
      if (chunk != null && chunk.getReplicasCount() > 0) {
        syncs.add(io.writes().sync(caller, file.ino, chunk).thenApply(c -> (Void) null).exceptionally(WholeFileSync::neverWritten));
      }
    }
    Futures.awaitAll(syncs);
  }

  /**
   * A chunk allocated but never written has no file on its replica (it reads as a hole): nothing
   * to make durable. Every other failure is the fsync's.
   */
  private static Void neverWritten(Throwable err) {
    if (StrataException.codeOf(err) == StatusCode.NOT_FOUND) {
      return null;
    }
    throw err instanceof CompletionException ce ? ce : new CompletionException(err);
  }
}
