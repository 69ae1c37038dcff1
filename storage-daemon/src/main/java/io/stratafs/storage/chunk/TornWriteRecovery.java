package io.stratafs.storage.chunk;

import static io.stratafs.storage.chunk.BlockChecksums.ENTRY_BYTES;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs checksums torn by a crash of the storage daemon. A write puts the data, then the block's
 * CRC; a process killed between the two leaves a block whose bytes (new, old or a mix: all valid
 * outcomes of a write that was never acknowledged) do not match its CRC, and the whole
 * block, including bytes fsynced earlier, would read as CORRUPT forever.
 *
 * <p>Each device holds {@value #MARK_FILE}: a time such that every write or truncate that may be
 * unfinished started at or after it. The file exists only while a process runs the device, so
 * finding it at open means the previous process died: every chunk file modified since that time
 * (less a margin for the coarse file clock) gets each block's CRC recomputed from its bytes where
 * they disagree. A background task moves the mark forward every few seconds to the start of the
 * oldest operation still in flight, so recovery reads only recently written chunks. A clean close
 * deletes the mark.
 *
 * <p>Limits: this relies on the kernel's page cache surviving the crash (a killed process, not a
 * lost machine), where file mtimes are exact; after a power loss mtimes are not a reliable guide,
 * see docs/posix.md. Real corruption inside a recently written block during the crash window is
 * indistinguishable from a torn write and is accepted. Thread-safe.
 */
final class TornWriteRecovery implements AutoCloseable {
  static final String MARK_FILE = "WRITES_SINCE";
  private static final Logger LOG = LoggerFactory.getLogger(TornWriteRecovery.class);
  /** File mtimes come from a coarse kernel clock; be generous. */
  private static final long MARGIN_MS = 2_000;
  private static final long ADVANCE_EVERY_MS = 5_000;
  /** Data read per syscall while recomputing checksums. */
  private static final int REPAIR_SPAN_BYTES = 1 << 20;

  private final List<Device> devices;
  private final Map<Long, Long> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong tokens = new AtomicLong();
  private final ScheduledExecutorService advancer;

  private TornWriteRecovery(List<Device> devices) {
    this.devices = devices;
    this.advancer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("torn-write-mark").daemon().unstarted(r));
    advancer.scheduleWithFixedDelay(this::advanceQuietly, ADVANCE_EVERY_MS, ADVANCE_EVERY_MS, TimeUnit.MILLISECONDS);
  }

  /** Repairs what a previous process left torn on each device, then marks them in use from now. */
  static TornWriteRecovery open(List<Device> devices) {
    long now = System.currentTimeMillis();
    for (Device d : devices) {
      try {
        Path mark = d.root().resolve(MARK_FILE);
        if (Files.exists(mark)) {
          long since = Long.parseLong(Files.readString(mark, StandardCharsets.US_ASCII).trim());
          repair(d, since - MARGIN_MS);
        }
        writeMark(d, now);
      } catch (IOException | NumberFormatException e) {
        throw new UncheckedIOException(
            new IOException("recovering torn writes on device " + d.name() + " at " + d.root() + ": " + e, e));
      }
    }
    return new TornWriteRecovery(devices);
  }

  /** Registers a mutation about to start; pass the token to {@link #end}. */
  long begin() {
    long token = tokens.incrementAndGet();
    inFlight.put(token, System.currentTimeMillis());
    return token;
  }

  void end(long token) {
    inFlight.remove(token);
  }

  private void advanceQuietly() {
    try {
      long since = System.currentTimeMillis(); // read first: later operations start after it
      for (long start : inFlight.values()) {
        since = Math.min(since, start);
      }
      for (Device d : devices) {
        writeMark(d, since);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not advance the torn-write mark ({}); recovery after a crash will read more", e.toString());
    }
  }

  private static void writeMark(Device d, long since) throws IOException {
    Path mark = d.root().resolve(MARK_FILE);
    Path tmp = d.root().resolve(MARK_FILE + ".tmp");
    Files.writeString(tmp, Long.toString(since), StandardCharsets.US_ASCII);
    Files.move(tmp, mark, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Recomputes disagreeing CRC entries of every chunk whose data changed at or after {@code since}. */
  static void repair(Device d, long since) throws IOException {
    int chunks = 0;
    long blocks = 0;
    try (Stream<Path> files = Files.walk(d.chunksDir(), 2)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (!name.endsWith(Device.CHUNK_SUFFIX) || Files.getLastModifiedTime(p).toMillis() < since) {
          continue;
        }
        Path crc = p.resolveSibling(name.substring(0, name.length() - Device.CHUNK_SUFFIX.length()) + Device.CRC_SUFFIX);
        long fixed = repairChunk(p, crc, d.checksums());
        if (fixed > 0) {
          chunks++;
          blocks += fixed;
          LOG.warn("{}: recomputed {} checksum(s) torn by a crash of the previous process", p, fixed);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    LOG.info("device {}: torn-write recovery repaired {} block checksum(s) in {} chunk(s)", d.name(), blocks, chunks);
  }

  /**
   * Returns the number of CRC entries rewritten (including missing ones and a too-long tail). Reads
   * the checksum file once and the data a span of whole blocks at a time: with 4 KiB blocks a
   * block-by-block pass was three syscalls per 4 KiB, at start-up.
   */
  static long repairChunk(Path dataPath, Path crcPath, BlockChecksums sums) throws IOException {
    try (FileChannel data = FileChannel.open(dataPath, StandardOpenOption.READ);
        FileChannel crc =
            FileChannel.open(crcPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long length = data.size();
      int count = Math.toIntExact(sums.blockCount(length));
      int blockSize = sums.blockSize;
      long crcSize = crc.size();
      ByteBuffer stored = ByteBuffer.allocate((int) Math.min(crcSize, (long) count * ENTRY_BYTES));
      ChunkIo.readFully(crc, stored, 0);
      int present = stored.flip().remaining() / ENTRY_BYTES;
      int blocksPerSpan = Math.max(1, REPAIR_SPAN_BYTES / blockSize);
      ByteBuffer span = ByteBuffer.allocate(blocksPerSpan * blockSize);
      ByteBuffer entry = ByteBuffer.allocate(ENTRY_BYTES);
      long fixed = 0;
      for (int first = 0; first < count; first += blocksPerSpan) {
        long start = (long) first * blockSize;
        span.clear().limit((int) Math.min(span.capacity(), length - start));
        ChunkIo.readFully(data, span, start);
        span.flip();
        for (int b = first; b < Math.min(count, first + blocksPerSpan); b++) {
          int at = (b - first) * blockSize;
          int actual = sums.crcPadded(span.slice(at, Math.min(blockSize, span.limit() - at)));
          if (b < present && stored.getInt(b * ENTRY_BYTES) == actual) {
            continue;
          }
          entry.clear();
          entry.putInt(actual).flip();
          ChunkIo.writeFully(crc, entry, (long) b * ENTRY_BYTES);
          fixed++;
        }
      }
      if (crc.size() > (long) count * ENTRY_BYTES) {
        crc.truncate((long) count * ENTRY_BYTES);
        fixed++;
      }
      if (fixed > 0) {
        crc.force(true);
      }
      return fixed;
    }
  }

  /** Clean close: no operation is in flight any more, so nothing can be torn. */
  @Override
  public void close() {
    advancer.shutdownNow();
    try {
      advancer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Device d : devices) {
      try {
        Files.deleteIfExists(d.root().resolve(MARK_FILE));
      } catch (IOException e) {
        LOG.warn("could not delete {} of device {}; the next start re-checks recent chunks", MARK_FILE, d.name(), e);
      }
    }
  }
}
