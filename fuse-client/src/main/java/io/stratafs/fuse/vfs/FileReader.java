package io.stratafs.fuse.vfs;

import io.stratafs.fuse.client.Futures;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.ChunkInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * Reads file bytes: the stored chunks (one read per chunk touched, in parallel, falling back across
 * replicas and external copies ({@link io.stratafs.fuse.client.ChunkReads}); holes and
 * bytes past a chunk's data read as zeros) with this client's buffered writes laid on top. The
 * buffered bytes are captured before the storage reads so a flush finishing meanwhile cannot hide
 * them. Thread-safe (stateless).
 */
final class FileReader {
  private static final byte[] ZEROS = new byte[64 << 10];

  private final IoServices io;

  FileReader(IoServices io) {
    this.io = io;
  }

  /**
   * Reads up to {@code dst.remaining()} bytes at {@code offset} into {@code dst} from its position
   * (which does not move) and returns the count, smaller only at end of file (0 past it).
   */
  int read(LongFunction<Caller> caller, OpenFile file, long offset, ByteBuffer dst) {
    long size = file.size();
    if (offset >= size || !dst.hasRemaining()) {
      return 0;
    }
    int length = (int) Math.min(dst.remaining(), size - offset);
    ByteBuffer range = dst.duplicate();
    range.limit(range.position() + length);
    List<DirtyBuffer.Extent> buffered = file.writer.snapshot(offset, length);
    try {
      readStoredUnder(caller, file, offset, range, buffered);
      DirtyBuffer.overlay(buffered, offset, range);
    } finally {
      DirtyBuffer.release(buffered);
    }
    return length;
  }

  /** Reads what {@code buffered} does not cover of {@code range} (at file {@code offset}) from storage. */
  private void readStoredUnder(
      LongFunction<Caller> caller, OpenFile file, long offset, ByteBuffer range, List<DirtyBuffer.Extent> buffered) {
    int length = range.remaining();
    List<ChunkRanges.Slice> slices = new ArrayList<>();
    for (ChunkRanges.Slice s : ChunkRanges.split(offset, length, io.chunkSize())) {
      if (!DirtyBuffer.covers(buffered, s.fileOffset(), s.fileOffset() + s.length())) {
        slices.add(s); // else every byte of this slice is still buffered: no need to ask storage
      }
    }
    // One slice (nearly every read) is read by this thread itself, not through the event loop.
    boolean alone = slices.size() == 1;
    List<CompletableFuture<Void>> reads = new ArrayList<>();
    for (ChunkRanges.Slice s : slices) {
      ByteBuffer part = range.duplicate();
      part.position(range.position() + (int) (s.fileOffset() - offset));
      part.limit(part.position() + s.length());
      ChunkInfo chunk = io.chunks().lookup(caller, file.ino, s.index());
      if (chunk == null) {
        zero(part, 0);
      } else {
        reads.add(io.reads().read(caller, file.ino, chunk, s.offsetInChunk(), part, alone).thenAccept(n -> zero(part, n)));
      }
    }
    Futures.awaitAll(reads);
  }

  /** Zero-fills {@code part} from {@code from} bytes past its position to its limit. */
  private static void zero(ByteBuffer part, int from) {
    ByteBuffer z = part.duplicate();
    z.position(part.position() + from);
    while (z.hasRemaining()) {
      z.put(ZEROS, 0, Math.min(ZEROS.length, z.remaining()));
    }
  }
}
