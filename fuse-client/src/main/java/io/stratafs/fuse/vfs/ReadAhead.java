package io.stratafs.fuse.vfs;

import io.stratafs.protocol.meta.Caller;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * Sequential read-ahead for one handle: while reads follow each other, up to four windows of
 * {@code readAheadBytes / 4} past the last read are fetched in the background and later reads are
 * served from them. Any data change of the file (its generation moves) drops the windows.
 * Thread-safe: the window list is guarded by {@code this}; waiting for a fetch happens outside it.
 */
final class ReadAhead {
  private static final int MIN_WINDOW_BYTES = 128 << 10;
  /** Windows in flight: enough to keep several storage reads busy while the reader copies. */
  private static final int MAX_WINDOWS = 4;

  private record Window(long start, int length, long generation, CompletableFuture<ByteBuffer> data) {
    long end() {
      return start + length;
    }
  }

  private final int windowBytes;
  private final ArrayDeque<Window> windows = new ArrayDeque<>();
  private long nextSequentialOffset;

  ReadAhead(long readAheadBytes) {
    this.windowBytes =
        readAheadBytes <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(MIN_WINDOW_BYTES, readAheadBytes / MAX_WINDOWS));
  }

  /** Reads like {@link FileReader#read}, from prefetched windows where possible. */
  int read(LongFunction<Caller> caller, OpenFile file, FileReader reader, IoServices io, long offset, ByteBuffer dst) {
    if (windowBytes == 0) {
      return reader.read(caller, file, offset, dst);
    }
    long generation = file.generation();
    List<Window> current;
    boolean sequential;
    synchronized (this) {
      if (!windows.isEmpty() && windows.peekFirst().generation() != generation) {
        windows.clear();
      }
      current = new ArrayList<>(windows);
      sequential = offset == nextSequentialOffset;
    }
    ByteBuffer view = dst.duplicate();
    int served = serve(current, generation, offset, view);
    int n = served + (view.hasRemaining() ? reader.read(caller, file, offset + served, view) : 0);
    synchronized (this) {
      nextSequentialOffset = offset + n;
      if (sequential && n > 0) {
        prefetch(caller, file, reader, io, offset + n);
      } else if (!sequential) {
        windows.clear();
      }
    }
    return n;
  }

  /** Copies what the windows hold from {@code offset} on, advancing {@code dst}; returns the bytes copied. */
  private static int serve(List<Window> windows, long generation, long offset, ByteBuffer dst) {
    long pos = offset;
    for (Window w : windows) {
      if (!dst.hasRemaining() || pos < w.start() || pos >= w.end() || w.generation() != generation) {
        continue;
      }
      ByteBuffer data;
      try {
        data = w.data().join();
      } catch (RuntimeException fetchFailed) {
        break; // read directly; the direct read reports the error if it persists
      }
      int at = (int) (pos - w.start());
      int n = Math.min(data.limit() - at, dst.remaining());
      if (n <= 0) {
        break;
      }
      dst.put(data.duplicate().position(at).limit(at + n));
      pos += n;
    }
    return (int) (pos - offset);
  }

  /** Keeps up to MAX_WINDOWS windows ahead of {@code readEnd}. Caller holds the lock. */
  private void prefetch(LongFunction<Caller> caller, OpenFile file, FileReader reader, IoServices io, long readEnd) {
    while (!windows.isEmpty() && windows.peekFirst().end() <= readEnd) {
      windows.removeFirst();
    }
    long size = file.size();
    long generation = file.generation();
    while (windows.size() < MAX_WINDOWS) {
      long start = windows.isEmpty() ? readEnd : windows.peekLast().end();
      if (start >= size) {
        return;
      }
      CompletableFuture<ByteBuffer> data =
          CompletableFuture.supplyAsync(
              () -> {
                ByteBuffer buf = ByteBuffer.allocate(windowBytes);
                return buf.limit(reader.read(caller, file, start, buf));
              },
              io.background());
      windows.addLast(new Window(start, windowBytes, generation, data));
    }
  }

  /** Forgets the windows (the handle is released). */
  synchronized void clear() {
    windows.clear();
  }
}
