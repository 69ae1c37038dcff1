package io.stratafs.storage.chunk;

import io.stratafs.common.ChunkFileFormat;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.storage.DeviceSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device directory: where its chunk files live, its identity, and its capacity numbers.
 *
 * <pre>
 * &lt;root&gt;/STRATA_DEVICE                        identity (JSON)
 * &lt;root&gt;/chunks/&lt;xx&gt;/&lt;16 hex id&gt;.chunk      data, sparse; xx = the id's low byte in hex
 * &lt;root&gt;/chunks/&lt;xx&gt;/&lt;16 hex id&gt;.crc        CRC32C per block (the identity's size), 4 bytes big-endian each
 * &lt;root&gt;/chunks/&lt;xx&gt;/&lt;16 hex id&gt;.version    highest chunk version seen, when above 1 ({@link ChunkVersions})
 * </pre>
 *
 * Used bytes (the logical lengths of its chunks) and the chunk count are scanned once at open and
 * then tracked incrementally by the store.
 *
 * <p>Directory entries: a chunk file created by an unsynced write has an entry that is not yet
 * durable; the device remembers it ({@link #entryCreated}) so the first sync of that chunk also
 * fsyncs its directory ({@link #syncEntry}). A new {@code xx/} directory is made durable in
 * {@code chunks/} at once (at most 256 times per device). What a previous process left unsynced is
 * forgotten with it, so opening a device fsyncs every chunk directory first. Thread-safe.
 */
public final class Device {
  private static final Logger LOG = LoggerFactory.getLogger(Device.class);
  static final String CHUNK_SUFFIX = ChunkFileFormat.DATA_SUFFIX;
  static final String CRC_SUFFIX = ChunkFileFormat.CRC_SUFFIX;

  private final DeviceSpec spec;
  private final Path chunksDir;
  private final FileStore fileStore;
  private final long reserveBytes;
  private final AtomicLong usedBytes = new AtomicLong();
  private final AtomicLong chunks = new AtomicLong();
  private final Set<Long> unsyncedEntries = ConcurrentHashMap.newKeySet();
  private final long incarnation;
  private final BlockChecksums checksums;
  /** See {@link #syncsWithOneFlush()}. */
  private final boolean oneFlushSyncs;
  /** Chunk versions known to be on disk (ChunkVersions keeps it in step; see there). */
  private final Map<Long, Long> knownVersions = new ConcurrentHashMap<>();

  private Device(DeviceSpec spec, FileStore fileStore, long reserveBytes, DeviceIdentity identity) {
    this.spec = spec;
    this.incarnation = identity.createdAtMs();
    this.checksums = new BlockChecksums(identity.crcBlockSize());
    this.chunksDir = spec.path().resolve("chunks");
    this.fileStore = fileStore;
    this.reserveBytes = reserveBytes;
    this.oneFlushSyncs = PageWriteback.supports(fileStore);
  }

  /** Creates the directory if needed, claims it for {@code storageId} and scans its chunks. */
  static Device open(String storageId, DeviceSpec spec, long reserveBytes) {
    try {
      Files.createDirectories(spec.path());
      DeviceIdentity identity = DeviceIdentity.claim(storageId, spec);
      Device d = new Device(spec, Files.getFileStore(spec.path()), reserveBytes, identity);
      Files.createDirectories(d.chunksDir);
      d.scan();
      LOG.info(
          "device {} at {}: {} filesystem, chunk syncs flush the device {}",
          spec.name(), spec.path(), d.fileStore.type(), d.oneFlushSyncs ? "once" : "once per file");
      return d;
    } catch (IOException e) {
      throw new StrataException(
          StatusCode.IO_ERROR, "cannot open device " + spec.name() + " at " + spec.path() + ": " + e, e);
    }
  }

  private void scan() throws IOException {
    long used = 0;
    long count = 0;
    try (Stream<Path> files = Files.walk(chunksDir, 2)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (Files.isDirectory(p)) {
          // Entries an earlier process created without sync become durable before we serve.
          syncDirectory(p);
        } else if (p.getFileName().toString().endsWith(CHUNK_SUFFIX)) {
          used += Files.size(p);
          count++;
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    usedBytes.set(used);
    chunks.set(count);
  }

  public String name() {
    return spec.name();
  }

  public String media() {
    return spec.media();
  }

  public Path root() {
    return spec.path();
  }

  /**
   * Whether a chunk sync may write checksum pages without a flush of their own and let the data
   * file's fdatasync flush both (ext4 and xfs, ADR 027); otherwise each file gets an fdatasync.
   */
  boolean syncsWithOneFlush() {
    return oneFlushSyncs;
  }

  /** How this device's chunk files are checksummed. */
  BlockChecksums checksums() {
    return checksums;
  }

  Map<Long, Long> knownVersions() {
    return knownVersions;
  }

  /** The creation time (ms) of the device's identity: changes when the directory is re-created. */
  public long incarnation() {
    return incarnation;
  }

  /**
   * The ids of the chunks whose data files are on the device now, one {@code xx/} directory at a
   * time (for the scrubber; chunks created or deleted meanwhile may or may not be listed).
   */
  List<Long> chunkIds() throws IOException {
    List<Long> ids = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(chunksDir)) {
      for (Path dir : dirs) {
        if (!Files.isDirectory(dir)) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + CHUNK_SUFFIX)) {
          for (Path f : files) {
            String name = f.getFileName().toString();
            String hex = name.substring(0, name.length() - CHUNK_SUFFIX.length());
            try {
              ids.add(Long.parseUnsignedLong(hex, 16));
            } catch (NumberFormatException e) {
              // not a chunk file of ours
            }
          }
        }
      }
    }
    ids.sort(Long::compareUnsigned);
    return ids;
  }

  Path chunksDir() {
    return chunksDir;
  }

  Path dataPath(long chunkId) {
    return chunkDir(chunkId).resolve(ChunkStore.hex(chunkId) + CHUNK_SUFFIX);
  }

  Path crcPath(long chunkId) {
    return chunkDir(chunkId).resolve(ChunkStore.hex(chunkId) + CRC_SUFFIX);
  }

  private Path chunkDir(long chunkId) {
    return ChunkFileFormat.chunkDir(root(), chunkId);
  }

  void ensureChunkDir(long chunkId) throws IOException {
    Path dir = chunkDir(chunkId);
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      syncDirectory(chunksDir);
    }
  }

  /** Records that the chunk's file was just created and its directory entry is not yet durable. */
  void entryCreated(long chunkId) {
    unsyncedEntries.add(chunkId);
  }

  /** Makes the chunk file's directory entry durable if it may not be yet. */
  void syncEntry(long chunkId) throws IOException {
    if (unsyncedEntries.contains(chunkId)) {
      // Removed only after the fsync, so a concurrent sync of the chunk cannot return early.
      syncDirectory(chunkDir(chunkId));
      unsyncedEntries.remove(chunkId);
    }
  }

  /** Drops the record of a deleted chunk. */
  void entryDeleted(long chunkId) {
    unsyncedEntries.remove(chunkId);
  }

  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  boolean hasChunkFile(long chunkId) {
    return Files.exists(dataPath(chunkId));
  }

  /** Throws NO_SPACE when adding {@code bytesToAdd} would eat into the reserve. */
  void checkSpace(long bytesToAdd, long chunkId) {
    if (bytesToAdd <= 0) {
      return;
    }
    long usable = freeBytes();
    if (usable - reserveBytes < bytesToAdd) {
      throw StrataException.of(
          StatusCode.NO_SPACE,
          "device %s (%s) has %d bytes usable with %d reserved, not enough for %d more bytes of chunk %s:"
              + " free space there or write to another device",
          name(), root(), usable, reserveBytes, bytesToAdd, ChunkStore.hex(chunkId));
    }
  }

  long freeBytes() {
    try {
      return fileStore.getUsableSpace();
    } catch (IOException e) {
      throw new StrataException(
          StatusCode.IO_ERROR, "cannot read free space of device " + name() + " at " + root() + ": " + e, e);
    }
  }

  void addUsed(long delta) {
    usedBytes.addAndGet(delta);
  }

  void chunkCreated() {
    chunks.incrementAndGet();
  }

  void chunkDeleted(long length) {
    chunks.decrementAndGet();
    usedBytes.addAndGet(-length);
  }

  public DeviceUsage usage() {
    long capacity;
    try {
      capacity = fileStore.getTotalSpace();
    } catch (IOException e) {
      throw new StrataException(
          StatusCode.IO_ERROR, "cannot read capacity of device " + name() + " at " + root() + ": " + e, e);
    }
    return new DeviceUsage(
        name(), media(), root(), capacity, usedBytes.get(), freeBytes(), chunks.get(), incarnation);
  }

  @Override
  public String toString() {
    return name() + "(" + media() + ":" + root() + ")";
  }
}
