package io.stratafs.fuse.client;

import io.stratafs.common.ChunkFileFormat;
import io.stratafs.common.ReadOnlyDescriptors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chunk and CRC files of local replicas, kept open between short-circuit reads: opening and
 * closing two files was a fifth of a 4 KiB random read's CPU. Before each use both held files are
 * stat'ed by descriptor (size and link count only, ADR 029) and must still have a link. The
 * storage daemon never renames a chunk file; it deletes one ({@code ChunkStore.delete}) and may
 * create a new one under the same name (healing, a rewrite after truncation). So a held file with links is still the one its path names, and one
 * without is reopened, never read from. Both are checked after both are open, so a pair is never
 * half old, half new.
 *
 * <p>Descriptors are plain numbers, which the kernel hands out again once closed: a file evicted
 * or closed while a read uses it stays open until that read lets go ({@link Lease#close()}), so a
 * read never reaches another file through a reused number. Thread-safe.
 */
final class ReplicaFiles implements AutoCloseable {
  /** Both descriptors of one replica; closed when neither the cache nor a read holds them. */
  static final class Open {
    final int data;
    final int crc;
    /** One per holder (the cache, each read in progress); 0 = closed. */
    private final AtomicInteger refs = new AtomicInteger(1);

    private Open(int data, int crc) {
      this.data = data;
      this.crc = crc;
    }

    /** Takes a reference, unless the files are already closed. */
    boolean retain() {
      for (int r = refs.get(); r > 0; r = refs.get()) {
        if (refs.compareAndSet(r, r + 1)) {
          return true;
        }
      }
      return false;
    }

    void release() {
      if (refs.decrementAndGet() == 0) {
        ReadOnlyDescriptors.close(data);
        ReadOnlyDescriptors.close(crc);
      }
    }

    boolean isOpen() {
      return refs.get() > 0;
    }
  }

  /** One read's hold on a replica's files, with the data file's size when they were checked. */
  record Lease(Open files, long dataSize) implements AutoCloseable {
    int data() {
      return files.data;
    }

    int crc() {
      return files.crc;
    }

    @Override
    public void close() {
      files.release();
    }
  }

  private record Key(Path deviceRoot, long chunkId) {}

  private final int capacity;
  private final Map<Key, Open> open = new ConcurrentHashMap<>();
  private volatile boolean closed;

  ReplicaFiles(int capacity) {
    this.capacity = capacity;
  }

  /**
   * The files of chunk {@code chunkId} on the device at {@code deviceRoot}, open for reading and
   * still linked, held until the lease is closed; null when they were deleted while being opened
   * (the caller reads through the daemon).
   *
   * @throws java.nio.file.NoSuchFileException when either file does not exist
   */
  Lease get(Path deviceRoot, long chunkId) throws IOException {
    Key key = new Key(deviceRoot, chunkId);
    Open held = open.get(key);
    if (held != null && held.retain()) {
      Lease lease = lease(held);
      if (lease != null) {
        return lease;
      }
      if (open.remove(key, held)) {
        held.release(); // the cache's reference: deleted files are not kept
      }
    }
    Open fresh = openFiles(deviceRoot, chunkId); // its one reference is this read's
    Lease lease = lease(fresh);
    if (lease == null) {
      return null;
    }
    makeRoom();
    fresh.retain(); // the cache's reference
    if (open.putIfAbsent(key, fresh) != null || (closed && open.remove(key, fresh))) {
      fresh.release(); // another reader cached its own pair (or we are closing): this one serves this read only
    }
    return lease;
  }

  /**
   * A lease on {@code o} if both files still have a link. The caller took a reference for it;
   * without a lease (null or an error) that reference is let go here.
   */
  private static Lease lease(Open o) throws IOException {
    try {
      long dataSize = PosixFiles.linkedSize(o.data);
      if (dataSize >= 0 && PosixFiles.linkedSize(o.crc) >= 0) {
        return new Lease(o, dataSize);
      }
    } catch (IOException e) {
      o.release();
      throw e;
    }
    o.release();
    return null;
  }

  private static Open openFiles(Path deviceRoot, long chunkId) throws IOException {
    Path dir = ChunkFileFormat.chunkDir(deviceRoot, chunkId);
    String stem = ChunkFileFormat.stem(chunkId);
    int data = ReadOnlyDescriptors.open(dir.resolve(stem + ChunkFileFormat.DATA_SUFFIX));
    try {
      return new Open(data, ReadOnlyDescriptors.open(dir.resolve(stem + ChunkFileFormat.CRC_SUFFIX)));
    } catch (IOException e) {
      ReadOnlyDescriptors.close(data);
      throw e;
    }
  }

  private void makeRoom() {
    Iterator<Map.Entry<Key, Open>> it = open.entrySet().iterator();
    while (open.size() >= capacity && it.hasNext()) {
      Map.Entry<Key, Open> victim = it.next();
      // Only the thread whose remove succeeds lets go of the cache's reference: never twice.
      if (open.remove(victim.getKey(), victim.getValue())) {
        victim.getValue().release();
      }
    }
  }

  int size() {
    return open.size();
  }

  @Override
  public void close() {
    closed = true;
    for (Key k : open.keySet()) {
      Open o = open.remove(k);
      if (o != null) {
        o.release();
      }
    }
  }
}
