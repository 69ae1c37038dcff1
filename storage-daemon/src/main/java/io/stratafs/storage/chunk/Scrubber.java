package io.stratafs.storage.chunk;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads every chunk of every device in the background and checks each block against its
 * CRC32C, at most {@code bytesPerSecond}, one pass per {@code interval} (the first at start-up,
 * which re-checks what a crash may have left). A corrupt chunk lands in the store's
 * {@link CorruptChunks} (the store's read records it), which the registration publishes so the
 * metadata server repairs it; a chunk that verifies whole again (its bad blocks overwritten) is
 * taken off. Each piece holds the chunk's shared lock only while it is read, so writes wait at
 * most one piece. One named daemon thread; {@link #close()} stops it.
 */
public final class Scrubber implements AutoCloseable {
  /** Default scrub rate: 32 MiB/s. */
  public static final long DEFAULT_BYTES_PER_SECOND = 32L << 20;
  /**
   * Default time from one pass's start to the next: a day, as deep scrubs go elsewhere (Ceph
   * deep-scrubs weekly). Back-to-back passes cost a steady share of a small node's CPU and page
   * cache for nothing: reads verify every block they return anyway (ADR 019).
   */
  public static final Duration DEFAULT_INTERVAL = Duration.ofHours(24);
  /** Bytes read per shared-lock hold. */
  static final int PIECE_BYTES = 1 << 20;
  /** Shortest pause between passes, so a small store is not re-read in a tight loop. */
  static final Duration PASS_PAUSE = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(Scrubber.class);

  private final ChunkStore store;
  private final long bytesPerSecond;
  private final Duration interval;
  private final Thread thread;
  private final AtomicLong passes = new AtomicLong();
  // Never interrupt the thread: an interrupt during a read would close the chunk's shared channel.
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile boolean closed;

  private Scrubber(ChunkStore store, long bytesPerSecond, Duration interval) {
    this.store = store;
    this.bytesPerSecond = bytesPerSecond;
    this.interval = interval;
    this.thread = new Thread(this::run, "storage-" + store.storageId() + "-scrubber");
    this.thread.setDaemon(true);
  }

  /** Starts scrubbing {@code store}; a rate of 0 turns scrubbing off (no thread). */
  public static Scrubber start(ChunkStore store, long bytesPerSecond, Duration interval) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("scrub rate must be >= 0 bytes/s, got " + bytesPerSecond);
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("scrub interval must be positive, got " + interval);
    }
    Scrubber s = new Scrubber(store, bytesPerSecond, interval);
    if (bytesPerSecond > 0) {
      s.thread.start();
    }
    return s;
  }

  /** Completed passes over all devices (for tests and status). */
  public long passes() {
    return passes.get();
  }

  public boolean running() {
    return thread.isAlive();
  }

  private void run() {
    try {
      while (!closed) {
        long startNanos = System.nanoTime();
        long bytes = 0;
        for (Device d : store.devices()) {
          for (long chunkId : chunkIdsOf(d)) {
            if (closed) {
              return;
            }
            bytes += scrubChunk(d, chunkId, startNanos, bytes);
          }
        }
        passes.incrementAndGet();
        long untilNext = Math.max(PASS_PAUSE.toNanos(), interval.toNanos() - (System.nanoTime() - startNanos));
        if (stop.await(untilNext, TimeUnit.NANOSECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      // closed while pacing
    } catch (RuntimeException e) {
      LOG.error("scrubber of storage {} stopped unexpectedly", store.storageId(), e);
    }
  }

  private Iterable<Long> chunkIdsOf(Device d) {
    try {
      return store.chunkIds(d);
    } catch (StrataException e) {
      LOG.warn("scrubber skips device {}: {}", d, e.getMessage());
      return java.util.List.of();
    }
  }

  /** Verifies one chunk piece by piece; returns the bytes read. */
  private long scrubChunk(Device d, long chunkId, long passStartNanos, long passBytesBefore)
      throws InterruptedException {
    long offset = 0;
    long length;
    do {
      int n;
      try (ReadResult r = store.read(chunkId, d.name(), offset, PIECE_BYTES)) {
        length = r.chunkLength();
        n = r.data().readableBytes();
      } catch (StrataException e) {
        if (e.code() != StatusCode.CORRUPT) {
          LOG.warn("scrubber could not read chunk {} on {}: {}", ChunkStore.hex(chunkId), d, e.getMessage());
        }
        return offset; // CORRUPT: the store recorded it; the next pass looks again
      }
      offset += n;
      pace(passStartNanos, passBytesBefore + offset);
      if (n == 0) {
        break;
      }
    } while (offset < length);
    // The whole chunk verified: a replica whose bad blocks were overwritten is sound again.
    if (store.corruptChunks().contains(d.name(), chunkId)) {
      store.corruptChunks().remove(d.name(), chunkId);
    }
    return offset;
  }

  /** Sleeps until {@code bytes} read since {@code startNanos} are within the rate. */
  private void pace(long startNanos, long bytes) throws InterruptedException {
    long dueNanos = startNanos + (long) (bytes * 1e9 / bytesPerSecond);
    long waitNanos = dueNanos - System.nanoTime();
    if (waitNanos > 0 && stop.await(waitNanos, TimeUnit.NANOSECONDS)) {
      throw new InterruptedException("scrubber closed");
    }
  }

  @Override
  public void close() {
    closed = true;
    stop.countDown();
    try {
      if (thread.isAlive()) {
        thread.join(Duration.ofSeconds(10));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
