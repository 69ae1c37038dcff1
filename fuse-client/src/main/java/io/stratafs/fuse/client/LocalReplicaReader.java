package io.stratafs.fuse.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.Replica;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.internal.OutOfDirectMemoryError;
import io.stratafs.common.ChunkFileFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Short-circuit reads (DESIGN.md, storage daemon): a replica whose device directory is on this
 * machine is read straight from its chunk files, verified against the same per-block CRC32C the
 * daemon checks, without the RPC to the daemon (on a 2-vCPU VM that round trip is most of a 4 KiB
 * read's latency: six thread wake-ups). The daemon grants it by registering the device's path; the
 * device is accepted only when its identity file ({@code STRATA_DEVICE}) names the replica's storage
 * id, device and incarnation, so a wiped or foreign directory is never read; the same file names
 * the device's CRC block size.
 *
 * <p>Anything unusual — no such file, a short checksum file, a checksum mismatch (also what a
 * write racing this read looks like), an I/O error — answers {@link #NOT_SERVED}, and the caller
 * reads through the daemon, which takes the chunk's lock and reports real corruption. So this
 * class can only ever make a read faster, never change its answer. Open files are kept between
 * reads ({@link ReplicaFiles}), checked on every read to be still the files their paths name, and
 * read by descriptor ({@link PosixFiles}). Thread-safe.
 */
public final class LocalReplicaReader implements AutoCloseable {
  /** {@link #tryRead} could not serve the read; use the daemon. */
  public static final int NOT_SERVED = -1;

  private static final int SMALL_READ_BYTES = 2 * ChunkFileFormat.MAX_BLOCK_SIZE;
  private static final ThreadLocal<ByteBuffer> SMALL_READ_BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(SMALL_READ_BYTES));
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Devices by "storage/device/incarnation"; empty = not readable from here. */
  private final Map<String, Optional<LocalDevice>> devices = new ConcurrentHashMap<>();
  private final BiFunction<String, String, Optional<String>> devicePath;
  /** Replicas read at random keep their files open; 256 pairs are 512 descriptors. */
  private final ReplicaFiles files = new ReplicaFiles(256);

  /** @param devicePath (storage id, device name) → the directory the daemon registered for it */
  public LocalReplicaReader(BiFunction<String, String, Optional<String>> devicePath) {
    this.devicePath = devicePath;
  }

  /**
   * Reads {@code dst.remaining()} bytes at {@code offset} of the replica into {@code dst} (from its
   * position, which is not moved), as {@code storage.ReadChunk} would: returns the bytes the chunk
   * had there (fewer at its end), or {@link #NOT_SERVED}.
   */
  public int tryRead(ChunkInfo chunk, Replica replica, long offset, ByteBuffer dst) {
    Optional<LocalDevice> device = device(replica);
    if (device.isEmpty() || replica.getIncarnation() == 0) {
      return NOT_SERVED;
    }
    try (ReplicaFiles.Lease f = files.get(device.get().root(), chunk.getChunkId())) {
      return f == null ? NOT_SERVED : read(f, device.get().blockSize(), offset, dst);
    } catch (NoSuchFileException e) {
      return NOT_SERVED; // not written yet, or gone: the daemon knows which
    } catch (IOException | RuntimeException | OutOfDirectMemoryError e) {
      return NOT_SERVED; // the daemon path has its own (bounded, pooled) buffers
    }
  }

  private static int read(ReplicaFiles.Lease f, int blockSize, long offset, ByteBuffer dst)
      throws IOException {
    long chunkLength = f.dataSize();
    if (dst.remaining() == 0 || offset >= chunkLength) {
      return 0;
    }
    long end = Math.min(chunkLength, offset + dst.remaining());
    long first = offset / blockSize;
    long last = (end - 1) / blockSize;
    long start = first * blockSize;
    int n = (int) (Math.min((last + 1) * blockSize, chunkLength) - start);
    int blocks = (int) (last - first + 1);
    byte[] crcBytes = new byte[blocks * ChunkFileFormat.CRC_ENTRY_BYTES];
    if (!PosixFiles.read(f.crc(), crcBytes, first * ChunkFileFormat.CRC_ENTRY_BYTES)) {
      return NOT_SERVED; // the checksum file is short: the daemon decides what that means
    }
    ByteBuffer crcs = ByteBuffer.wrap(crcBytes);
    if (dst.isDirect() && start == offset && start + n == end) {
      // Block-aligned (what the kernel's page-sized reads are): read into the caller's buffer and
      // verify there, with no copy. On a mismatch the caller's fallback read overwrites it.
      return verifyAndCopy(f.data(), dst.duplicate().limit(dst.position() + n), blockSize, start, crcs, blocks, offset, end, null);
    }
    if (n <= SMALL_READ_BYTES && !Thread.currentThread().isVirtual()) {
      // Small reads (a random 4 KiB read needs one or two blocks) reuse this thread's buffer: the
      // FUSE workers and the I/O pool are few and long-lived, 128 KiB each.
      return verifyAndCopy(
          f.data(), SMALL_READ_BUFFER.get().clear().limit(n), blockSize, start, crcs, blocks, offset, end, dst);
    }
    // Otherwise a direct buffer freed at once: a heap one would make the JDK cache a temporary
    // direct buffer of the read's size in every reading thread, and a pooled one grows arenas per
    // reading thread; both outside the heap bound (the mount must stay under 512 MiB RSS).
    ByteBuf direct = UnpooledByteBufAllocator.DEFAULT.directBuffer(n, n);
    try {
      return verifyAndCopy(f.data(), direct.nioBuffer(0, n), blockSize, start, crcs, blocks, offset, end, dst);
    } finally {
      direct.release();
    }
  }

  /**
   * Reads the blocks into {@code into} (from its position), checks each against its CRC, copies the
   * asked range to {@code dst} (none when null: {@code into} is the destination).
   */
  private static int verifyAndCopy(
      int data,
      ByteBuffer into,
      int blockSize,
      long start,
      ByteBuffer crcs,
      int blocks,
      long offset,
      long end,
      ByteBuffer dst)
      throws IOException {
    ByteBuffer buf = into.slice(); // index 0 = the first block's first byte
    int n = buf.remaining();
    if (!PosixFiles.readFully(data, buf, start)) {
      return NOT_SERVED;
    }
    buf.flip();
    for (int i = 0; i < blocks; i++) {
      int blockStart = i * blockSize;
      int blockLen = Math.min(blockSize, n - blockStart);
      if (ChunkFileFormat.crcPadded(blockSize, buf.slice(blockStart, blockLen)) != crcs.getInt(i * 4)) {
        return NOT_SERVED;
      }
    }
    int at = (int) (offset - start);
    int count = (int) (end - offset);
    if (dst != null) {
      dst.duplicate().put(buf.slice(at, count));
    }
    return count;
  }

  @Override
  public void close() {
    files.close();
  }

  private Optional<LocalDevice> device(Replica replica) {
    String key = replica.getStorageId() + "/" + replica.getDevice() + "/" + replica.getIncarnation();
    Optional<LocalDevice> known = devices.get(key);
    if (known != null) {
      return known;
    }
    Optional<String> registered = devicePath.apply(replica.getStorageId(), replica.getDevice());
    Optional<LocalDevice> found = registered.flatMap(p -> localDevice(Path.of(p), replica));
    // A daemon not registered yet (or a ZooKeeper hiccup) is asked again next time; a decision
    // about a registered device is final for this incarnation.
    if (registered.isPresent()) {
      devices.put(key, found);
    }
    return found;
  }

  /** The device at {@code root}, if its identity file names this replica's daemon, device and incarnation. */
  private static Optional<LocalDevice> localDevice(Path root, Replica replica) {
    try {
      JsonNode id = JSON.readTree(root.resolve(ChunkFileFormat.IDENTITY_FILE).toFile());
      boolean same =
          replica.getStorageId().equals(id.path("storageId").asText())
              && replica.getDevice().equals(id.path("device").asText())
              && replica.getIncarnation() == id.path("createdAtMs").asLong();
      return same
          ? Optional.of(new LocalDevice(root, ChunkFileFormat.blockSize(id.path(ChunkFileFormat.BLOCK_SIZE_FIELD).asInt(0))))
          : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // not on this machine, not readable, or a layout we do not know: use the daemon
    }
  }

  private record LocalDevice(Path root, int blockSize) {}
}
