package io.stratafs.storage.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.stratafs.common.ChunkFileFormat;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.storage.DeviceSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Lock;

/**
 * The chunks of one storage daemon, over its devices. Every chunk operation takes the chunk's lock
 * (reads shared, mutations exclusive; striped by chunk id, no global lock), then runs one operation
 * class ({@link WriteOp}, {@link ReadOp}, {@link TruncateOp}) on the chunk's cached channels.
 * Checksums a crash tore between a write's data and its CRC are repaired at open ({@link
 * TornWriteRecovery}).
 *
 * <p>Device names: an empty name means "wherever the chunk is" — the first device holding it; a
 * write or truncate of a chunk no device holds goes to the device with the most free space.
 *
 * <p>Missing chunks: every chunk id names an empty chunk until something is written. Reading a
 * chunk no device holds returns 0 bytes with chunk length 0 (the metadata server may allocate a
 * chunk before any write reaches it); a write or truncate creates it; delete is idempotent. Sync
 * of a chunk the device does not hold is NOT_FOUND: there is nothing to make durable, which means
 * the caller's writes went elsewhere or the replica was lost, and the caller must know.
 *
 * <p>Versions (docs/adr/017): a write may carry the chunk version its writer believes in; one below
 * the highest this replica has seen is STALE_VERSION, a higher one is adopted durably first
 * ({@link ChunkVersions}). Corruption any operation finds is recorded in {@link #corruptChunks()}
 * until the replica is deleted or truncated to nothing.
 *
 * <p>Thread-safe.
 */
public final class ChunkStore implements AutoCloseable {
  /** Space kept free on every device so the filesystem itself never fills up. */
  public static final long DEFAULT_RESERVE_BYTES = 64L << 20;
  /** Largest chunk a store accepts (far above the default 64 MiB chunk size). */
  public static final long MAX_CHUNK_BYTES = 1L << 40;

  private static final int LOCK_STRIPES = 1024;
  private static final int MAX_OPEN_CHUNKS = 512;

  private final String storageId;
  private final Map<String, Device> devices;
  private final ChunkLocks locks = new ChunkLocks(LOCK_STRIPES);
  private final OpenChunkCache openChunks;
  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private final TornWriteRecovery tornWrites;
  private final CorruptChunks corrupt = new CorruptChunks();

  private ChunkStore(String storageId, Map<String, Device> devices, int maxOpenChunks) {
    this.storageId = storageId;
    this.devices = devices;
    this.openChunks = new OpenChunkCache(maxOpenChunks);
    try {
      this.tornWrites = TornWriteRecovery.open(devices());
    } catch (UncheckedIOException e) {
      throw new StrataException(StatusCode.IO_ERROR, e.getCause().getMessage(), e.getCause());
    }
  }

  public static ChunkStore open(String storageId, List<DeviceSpec> specs) {
    return open(storageId, specs, DEFAULT_RESERVE_BYTES);
  }

  /**
   * Opens (creating at first use) the devices of {@code storageId}.
   *
   * @param reserveBytes bytes each device keeps free: writes that would eat into it are NO_SPACE
   * @throws IllegalArgumentException for duplicate device names or paths
   * @throws StrataException INVALID_ARGUMENT when a device belongs to another storage id
   */
  public static ChunkStore open(String storageId, List<DeviceSpec> specs, long reserveBytes) {
    return open(storageId, specs, reserveBytes, MAX_OPEN_CHUNKS);
  }

  /** As above with a bound on cached open chunks (tests use a tiny one to exercise eviction). */
  static ChunkStore open(String storageId, List<DeviceSpec> specs, long reserveBytes, int maxOpenChunks) {
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("storage " + storageId + " needs at least one device");
    }
    Set<Path> paths = new HashSet<>();
    Map<String, Device> devices = new LinkedHashMap<>();
    for (DeviceSpec spec : specs) {
      if (devices.containsKey(spec.name())) {
        throw new IllegalArgumentException("device name '" + spec.name() + "' is used twice");
      }
      if (!paths.add(spec.path().toAbsolutePath().normalize())) {
        throw new IllegalArgumentException("device path " + spec.path() + " is used twice");
      }
      devices.put(spec.name(), null);
    }
    for (DeviceSpec spec : specs) {
      devices.put(spec.name(), Device.open(storageId, spec, reserveBytes));
    }
    return new ChunkStore(storageId, Map.copyOf(devices), maxOpenChunks);
  }

  /**
   * Refuses a request for a replica placed on an earlier incarnation of {@code device} (the
   * directory was wiped or replaced since): NOT_FOUND, because this device never had the chunk's
   * data and must not answer as if it were an empty chunk. 0 = the caller does not know; no check.
   */
  public void checkIncarnation(long chunkId, String device, long expected) {
    if (expected == 0 || device.isEmpty()) {
      return;
    }
    Device d = devices.get(device);
    if (d != null && d.incarnation() != expected) {
      throw StrataException.of(
          StatusCode.NOT_FOUND,
          "replica of chunk %s on %s/%s is gone: the device was re-created (incarnation %d, the replica was placed on %d)",
          hex(chunkId), storageId, device, d.incarnation(), expected);
    }
  }

  public String storageId() {
    return storageId;
  }

  /** The devices in a stable order (by name). */
  public List<Device> devices() {
    return devices.values().stream().sorted(Comparator.comparing(Device::name)).toList();
  }

  /** Writes {@code data} (not consumed, not released) at {@code offset}; returns the chunk length. */
  public long write(long chunkId, String device, long offset, ByteBuf data, boolean sync) {
    return write(chunkId, device, offset, data, sync, ChunkVersions.UNVERSIONED);
  }

  /**
   * As {@link #write(long, String, long, ByteBuf, boolean)} carrying the chunk {@code version}
   * the writer believes in (0 = not checked).
   *
   * @throws StrataException STALE_VERSION when this replica has seen a higher version (nothing is
   *     written); a higher version than seen is adopted durably before the data is written
   */
  public long write(long chunkId, String device, long offset, ByteBuf data, boolean sync, long version) {
    checkRange(chunkId, offset, data.readableBytes());
    Lock lock = locks.of(chunkId).writeLock();
    lock.lock();
    try {
      Device d = deviceForMutation(chunkId, device);
      checkVersion(d, chunkId, version);
      long token = tornWrites.begin();
      try {
        return withChunk(d, chunkId, true, "writing", sync, oc -> WriteOp.run(oc, offset, data, sync));
      } finally {
        tornWrites.end(token);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reads up to {@code length} bytes at {@code offset}, every one verified against its block's CRC;
   * shorter only at the chunk's end. The caller must close the result.
   *
   * @throws StrataException CORRUPT when a covering block fails its CRC
   */
  public ReadResult read(long chunkId, String device, long offset, int length) {
    if (offset < 0 || length < 0) {
      throw StrataException.of(
          StatusCode.INVALID_ARGUMENT, "bad read range offset=%d length=%d", offset, length);
    }
    Lock lock = locks.of(chunkId).readLock();
    lock.lock();
    try {
      Device d = deviceHolding(chunkId, device);
      if (d == null) {
        return new ReadResult(alloc.directBuffer(0), 0);
      }
      ReadResult r = withChunk(d, chunkId, false, "reading", false, oc -> ReadOp.run(oc, offset, length, alloc));
      return r != null ? r : new ReadResult(alloc.directBuffer(0), 0);
    } finally {
      lock.unlock();
    }
  }

  /** Shrinks or grows (sparse) the chunk to {@code length}; creates it if missing. */
  public long truncate(long chunkId, String device, long length, boolean sync) {
    checkRange(chunkId, length, 0);
    Lock lock = locks.of(chunkId).writeLock();
    lock.lock();
    try {
      Device d = deviceForMutation(chunkId, device);
      long token = tornWrites.begin();
      try {
        long newLength = withChunk(d, chunkId, true, "truncating", sync, oc -> TruncateOp.run(oc, length, sync));
        if (newLength == 0) {
          corrupt.remove(d.name(), chunkId); // no block left to be corrupt
        }
        return newLength;
      } finally {
        tornWrites.end(token);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Deletes the chunk's files; deleting a missing chunk succeeds. Empty device: every device. */
  public void delete(long chunkId, String device) {
    Lock lock = locks.of(chunkId).writeLock();
    lock.lock();
    try {
      List<Device> targets = device.isEmpty() ? devices() : List.of(named(device));
      for (Device d : targets) {
        openChunks.invalidate(d, chunkId);
        d.entryDeleted(chunkId);
        try {
          Path data = d.dataPath(chunkId);
          long length = Files.exists(data) ? Files.size(data) : -1;
          Files.deleteIfExists(d.crcPath(chunkId));
          if (Files.deleteIfExists(data)) {
            d.chunkDeleted(Math.max(0, length));
          }
          ChunkVersions.delete(d, chunkId);
          corrupt.remove(d.name(), chunkId);
        } catch (IOException e) {
          throw IoErrors.map(e, "deleting", d, chunkId);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Makes the chunk's data and checksums durable; returns its length. */
  public long sync(long chunkId, String device) {
    Lock lock = locks.of(chunkId).readLock();
    lock.lock();
    try {
      Device d = deviceHolding(chunkId, device);
      Long length = d == null ? null : withChunk(d, chunkId, false, "syncing", true, oc -> {
        WriteOp.force(oc);
        return oc.dataLength();
      });
      if (length == null) {
        throw StrataException.of(
            StatusCode.NOT_FOUND,
            "chunk %s is not on %s of storage %s: nothing to sync (was it written to another device?)",
            hex(chunkId), device.isEmpty() ? "any device" : "device " + device, storageId);
      }
      return length;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The highest version this replica has seen for the chunk (1 when never told a higher one).
   * Empty device name: the device holding the chunk, 1 when none does.
   */
  public long version(long chunkId, String device) {
    Lock lock = locks.of(chunkId).readLock();
    lock.lock();
    try {
      Device d = deviceHolding(chunkId, device);
      if (d == null) {
        return ChunkVersions.FIRST;
      }
      try {
        return ChunkVersions.current(d, chunkId);
      } catch (IOException e) {
        throw IoErrors.map(e, "reading the version of", d, chunkId);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Refuses {@code version} below the one seen (STALE_VERSION), adopts a higher one durably; the
   * chunk's data is not touched and need not exist.
   */
  public void adoptVersion(long chunkId, String device, long version) {
    Lock lock = locks.of(chunkId).writeLock();
    lock.lock();
    try {
      checkVersion(deviceForMutation(chunkId, device), chunkId, version);
    } finally {
      lock.unlock();
    }
  }

  /** Whether the chunk's data file exists (on the named device, or on any for an empty name). */
  public boolean holds(long chunkId, String device) {
    Lock lock = locks.of(chunkId).readLock();
    lock.lock();
    try {
      Device d = deviceHolding(chunkId, device);
      return d != null && (openChunks.isOpen(d, chunkId) || d.hasChunkFile(chunkId));
    } finally {
      lock.unlock();
    }
  }

  /** Receives a chunk's verified bytes in order, see {@link #copy}. */
  public interface ChunkSink {
    /** The bytes at {@code offset}; valid only during the call (the store releases them). */
    void piece(long offset, ByteBuf data);

    /** Called once after the last piece with the chunk's length (0 when the chunk is absent). */
    void finish(long length);
  }

  /**
   * Under the chunk's exclusive lock: adopts {@code newVersion} (STALE_VERSION if lower than the
   * version seen) so writes still carrying an older version are refused from now on, then hands
   * the whole chunk to {@code sink} in verified pieces of at most {@code pieceBytes}, then calls
   * {@link ChunkSink#finish}. No write can change the chunk until this returns. Returns the length.
   */
  public long copy(long chunkId, String device, long newVersion, int pieceBytes, ChunkSink sink) {
    Lock lock = locks.of(chunkId).writeLock();
    lock.lock();
    try {
      Device d = deviceForMutation(chunkId, device);
      checkVersion(d, chunkId, newVersion);
      long length = 0;
      long offset = 0;
      do {
        // Re-entrant: the read lock is granted to the thread holding the write lock.
        try (ReadResult r = read(chunkId, d.name(), offset, pieceBytes)) {
          length = r.chunkLength();
          int n = r.data().readableBytes();
          if (n > 0) {
            sink.piece(offset, r.data());
          }
          offset += n;
          if (n == 0) {
            break;
          }
        }
      } while (offset < length);
      sink.finish(length);
      return length;
    } finally {
      lock.unlock();
    }
  }

  /** The chunks whose files are on {@code device} now (for the scrubber). */
  public List<Long> chunkIds(Device device) {
    try {
      return device.chunkIds();
    } catch (IOException e) {
      throw new StrataException(
          StatusCode.IO_ERROR, "cannot list the chunks of device " + device + ": " + e, e);
    }
  }

  /** Chunks found corrupt and still on disk. */
  public CorruptChunks corruptChunks() {
    return corrupt;
  }

  /** Capacity numbers of every device, by name. */
  public List<DeviceUsage> usage() {
    List<DeviceUsage> out = new ArrayList<>();
    for (Device d : devices()) {
      out.add(d.usage());
    }
    return out;
  }

  /**
   * The path of the chunk's data file on the device holding it (empty name: any device), or null.
   * For tools and tests; concurrent writers may change the file.
   */
  public Path chunkPath(long chunkId, String device) {
    Device d = deviceHolding(chunkId, device);
    return d == null ? null : d.dataPath(chunkId);
  }

  @Override
  public void close() {
    openChunks.close();
    tornWrites.close();
  }

  /** A chunk id as written in file names and messages: 16 hex digits. */
  public static String hex(long chunkId) {
    return ChunkFileFormat.stem(chunkId);
  }

  @FunctionalInterface
  private interface ChunkAction<T> {
    T apply(OpenChunk oc) throws IOException;
  }

  /**
   * Runs {@code action} on the chunk's channels; with {@code create} the chunk is created when
   * missing, else returns null for a missing chunk. Caller holds the chunk's lock.
   */
  private <T> T withChunk(
      Device d, long chunkId, boolean create, String operation, boolean sync, ChunkAction<T> action) {
    OpenChunk oc = null;
    try {
      oc = openChunks.acquire(d, chunkId, false);
      if (oc == null) {
        if (!create) {
          return null;
        }
        oc = openChunks.acquire(d, chunkId, true);
        d.chunkCreated();
        d.entryCreated(chunkId);
      }
      if (sync) {
        // A chunk file is durable only once its directory entry is.
        d.syncEntry(chunkId);
      }
      return action.apply(oc);
    } catch (IOException e) {
      // The files may now differ from the lengths the open chunk knows (a partial write, a
      // truncation half done): the next operation opens them again and learns their lengths.
      openChunks.invalidate(d, chunkId);
      throw IoErrors.map(e, operation, d, chunkId);
    } catch (StrataException e) {
      if (e.code() == StatusCode.CORRUPT) {
        // Under the chunk's lock, so a concurrent delete of the replica cannot be undone by this.
        corrupt.add(d.name(), chunkId);
      }
      throw e;
    } finally {
      if (oc != null) {
        oc.release();
      }
    }
  }

  private static void checkVersion(Device d, long chunkId, long version) {
    try {
      ChunkVersions.check(d, chunkId, version);
    } catch (IOException e) {
      throw IoErrors.map(e, "recording the version of", d, chunkId);
    }
  }

  private Device named(String device) {
    Device d = devices.get(device);
    if (d == null) {
      throw StrataException.of(
          StatusCode.INVALID_ARGUMENT,
          "storage %s has no device '%s' (devices: %s)",
          storageId, device, String.join(", ", devices().stream().map(Device::name).toList()));
    }
    return d;
  }

  /** The named device, or for an empty name the first device holding the chunk (null if none). */
  private Device deviceHolding(long chunkId, String device) {
    if (!device.isEmpty()) {
      return named(device);
    }
    for (Device d : devices()) {
      if (openChunks.isOpen(d, chunkId) || d.hasChunkFile(chunkId)) {
        return d;
      }
    }
    return null;
  }

  private Device deviceForMutation(long chunkId, String device) {
    Device d = deviceHolding(chunkId, device);
    if (d != null) {
      return d;
    }
    return devices().stream().max(Comparator.comparingLong(Device::freeBytes)).orElseThrow();
  }

  private static void checkRange(long chunkId, long offset, int length) {
    if (offset < 0 || offset + length < 0) {
      throw StrataException.of(
          StatusCode.INVALID_ARGUMENT, "bad range offset=%d length=%d for chunk %s", offset, length, hex(chunkId));
    }
    if (offset + length > MAX_CHUNK_BYTES) {
      throw StrataException.of(
          StatusCode.FILE_TOO_BIG,
          "chunk %s would grow to %d bytes, past the limit of %d",
          hex(chunkId), offset + length, MAX_CHUNK_BYTES);
    }
  }
}
