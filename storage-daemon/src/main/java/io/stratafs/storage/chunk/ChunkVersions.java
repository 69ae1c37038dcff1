package io.stratafs.storage.chunk;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The highest chunk version a replica has seen (docs/adr/017), kept durably in a sidecar file
 * {@code <16 hex id>.version} next to the chunk's data file. Version 1 (the first version the
 * metadata server gives a chunk) needs no sidecar; the sidecar is written (temp file, fsync,
 * rename, directory fsync) only when a higher version arrives. What is on disk is remembered per
 * device ({@link Device#knownVersions}, bounded), so a write costs a map lookup, not a failed
 * open: every change goes through this class under the chunk's exclusive lock. Request version 0 means "not checked" (tools and callers that predate
 * versions) and neither refuses nor adopts. Every method expects the caller to hold the chunk's
 * lock: shared for {@link #current}, exclusive for {@link #check} and {@link #delete}.
 */
final class ChunkVersions {
  static final String SUFFIX = ".version";
  static final long UNVERSIONED = 0;
  static final long FIRST = 1;
  /** Versions remembered per device: 16 bytes of key and value each, about 4 MiB at most. */
  static final int MAX_REMEMBERED = 1 << 18;

  private ChunkVersions() {}

  static Path path(Device d, long chunkId) {
    return d.dataPath(chunkId).resolveSibling(ChunkStore.hex(chunkId) + SUFFIX);
  }

  /** The highest version seen for the chunk on {@code d}: {@link #FIRST} when no sidecar exists. */
  static long current(Device d, long chunkId) throws IOException {
    Long known = d.knownVersions().get(chunkId);
    if (known != null) {
      return known;
    }
    long onDisk = readFromDisk(d, chunkId);
    if (d.knownVersions().size() >= MAX_REMEMBERED) {
      d.knownVersions().clear(); // re-read lazily; a bound, not an eviction policy
    }
    d.knownVersions().put(chunkId, onDisk);
    return onDisk;
  }

  private static long readFromDisk(Device d, long chunkId) throws IOException {
    try {
      String text = Files.readString(path(d, chunkId), StandardCharsets.US_ASCII).trim();
      return Long.parseUnsignedLong(text);
    } catch (NoSuchFileException e) {
      return FIRST;
    } catch (NumberFormatException e) {
      throw StrataException.of(
          StatusCode.CORRUPT,
          "version file %s of chunk %s is unreadable (%s): delete the replica and heal it",
          path(d, chunkId), ChunkStore.hex(chunkId), e.getMessage());
    }
  }

  /**
   * Refuses {@code version} when it is below the stored one (STALE_VERSION naming both), adopts
   * it durably when it is above.
   */
  static void check(Device d, long chunkId, long version) throws IOException {
    if (version == UNVERSIONED) {
      return;
    }
    long stored = current(d, chunkId);
    int cmp = Long.compareUnsigned(version, stored);
    if (cmp < 0) {
      throw StrataException.of(
          StatusCode.STALE_VERSION,
          "chunk %s on device %s of this storage daemon is at version %s; the request carries older"
              + " version %s: refetch the chunk's replicas from the metadata server and retry",
          ChunkStore.hex(chunkId), d.name(), Long.toUnsignedString(stored), Long.toUnsignedString(version));
    }
    if (cmp > 0) {
      write(d, chunkId, version);
    }
  }

  private static void write(Device d, long chunkId, long version) throws IOException {
    d.ensureChunkDir(chunkId);
    Path file = path(d, chunkId);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ChunkIo.writeFully(ch, ByteBuffer.wrap((Long.toUnsignedString(version) + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Device.syncDirectory(file.getParent());
    d.knownVersions().put(chunkId, version);
  }

  static void delete(Device d, long chunkId) throws IOException {
    d.knownVersions().remove(chunkId);
    Files.deleteIfExists(path(d, chunkId));
  }
}
