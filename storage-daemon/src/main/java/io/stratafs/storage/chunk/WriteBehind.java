package io.stratafs.storage.chunk;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a chunk's sequentially written data to the kernel's write-back a window at a time, as it
 * is written, instead of leaving all of it dirty for the sync that ends the stream (ADR 031): the
 * device writes while the next window arrives, and a sequential write's final fsync finds little
 * left to write. Random writes never fill a window, so their pages stay in the page cache until a
 * sync or the kernel's own write-back, where rewriting a page costs nothing extra.
 *
 * <p>Once the next window has started, the one before it is waited for and dropped from the page
 * cache (drop-behind, ADR 036): a streamed chunk keeps about one window cached instead of all of
 * it, the mount that wrote the bytes already caches them in its own page cache, and the next
 * window's copy reuses pages just freed instead of taking new ones from the kernel.
 *
 * <p>Starting write-back makes nothing durable and changes no answer: durability is still the
 * sync's alone, and a write-back error stays recorded for the data file's next fdatasync, which
 * reports it. Dropping only ever drops clean pages.
 *
 * <p>The kernel call that starts write-back spends a few hundred microseconds per window building
 * device requests, and the drop waits for the device, so both run on a thread of their own,
 * outside the chunk's lock, and the write that filled the window is answered at once. When that
 * thread is behind, new windows are left to the sync (and stay cached). An instance follows one
 * chunk's stream; it is not thread-safe and is used under the chunk's write lock.
 */
final class WriteBehind {
  /** Bytes of one sequential stream handed to write-back at once. */
  static final long WINDOW = 4L << 20;
  private static final Logger LOG = LoggerFactory.getLogger(WriteBehind.class);
  private static final AtomicBoolean FAILURE_LOGGED = new AtomicBoolean();
  /** Windows waiting for the starter thread; a full queue drops the new one. */
  private static final int QUEUED_WINDOWS = 64;
  private static final ThreadPoolExecutor STARTER = starter();

  private final long window;
  /** Where the last write ended; a write starting anywhere else begins a new stream. */
  private long streamEnd = -1;
  /** Start of the stream's bytes not handed to write-back yet. */
  private long pendingFrom;
  /**
   * The window started last, still cached: the next start drops it. Any earlier window, not just
   * the adjacent one, because a mount's parallel flushes deliver a stream's windows out of order.
   */
  private Range cachedWindow;

  WriteBehind(long window) {
    this.window = window;
  }

  /** A range of a chunk's data file whose write-back may start. */
  record Range(long offset, long length) {}

  /**
   * Bytes [offset, end) were written, and synced if {@code synced}. Returns the range whose
   * write-back should start now, or null while the stream's unsynced bytes fill less than a
   * window.
   */
  Range written(long offset, long end, boolean synced) {
    if (synced) {
      pendingFrom = end;
    } else if (offset != streamEnd) {
      pendingFrom = offset;
    }
    streamEnd = end;
    if (end - pendingFrom < window) {
      return null;
    }
    Range full = new Range(pendingFrom, end - pendingFrom);
    pendingFrom = end;
    return full;
  }

  /**
   * Starts write-back of {@code range} of the chunk's data file on the starter thread, and then
   * drops the window started before it once the device has it. The task holds a reference to the
   * chunk until it ran or was refused, which keeps the descriptor open.
   */
  void start(OpenChunk chunk, Range range) {
    Range behind = cachedWindow;
    cachedWindow = range;
    if (chunk.retain()) {
      STARTER.execute(new Start(chunk, range, behind));
    }
  }

  /** Waits until every start queued before this call ran; for tests. */
  static void awaitQueued() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    STARTER.execute(done::countDown);
    if (!done.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the write-behind starter did not drain in 30 s");
    }
  }

  /** Starts write-back of {@code range}, then drops {@code behind} (null: nothing to drop). */
  private record Start(OpenChunk chunk, Range range, Range behind) implements Runnable {
    @Override
    public void run() {
      try {
        PageWriteback.start(chunk.dataFd, range.offset(), range.length());
        if (behind != null) {
          PageWriteback.dropWhenWritten(chunk.dataFd, behind.offset(), behind.length());
        }
      } catch (IOException e) {
        // Only an early start or drop failed: the pages are still dirty or cached (or their
        // error is recorded), and the sync that makes them durable writes them or reports it.
        if (FAILURE_LOGGED.compareAndSet(false, true)) {
          LOG.warn("write-behind of a chunk's sequential writes failed ({}); its sync will write them", e.getMessage());
        } else {
          LOG.debug("starting write-back failed", e);
        }
      } finally {
        chunk.release();
      }
    }
  }

  private static ThreadPoolExecutor starter() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            1, 1, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(QUEUED_WINDOWS),
            Thread.ofPlatform().name("chunk-write-behind").daemon().factory(),
            (task, executor) -> {
              if (task instanceof Start dropped) {
                dropped.chunk().release();
              }
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
