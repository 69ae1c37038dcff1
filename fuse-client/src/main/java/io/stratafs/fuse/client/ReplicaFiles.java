package io.stratafs.fuse.client;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chunk and CRC files of local replicas, kept open between short-circuit reads: opening and
 * closing two files was a fifth of a 4 KiB random read's CPU. Before each use both paths are
 * stat'ed and must still name the very files held open (device and inode), so a replica the
 * daemon deleted and wrote again (healing, a rewrite after truncation) is reopened, never read
 * from the old copy: while a descriptor is held its inode cannot be freed, so its number cannot
 * come back for another file. Thread-safe; a file closed under a reader (eviction, close) makes
 * that read fail with an IOException, which the caller answers through the daemon.
 */
final class ReplicaFiles implements AutoCloseable {
  /** Both files of one replica, and the identity (st_dev, st_ino) each had when opened. */
  record Open(FileChannel data, FileChannel crc, Object dataKey, Object crcKey) {
    boolean isOpen() {
      return data.isOpen() && crc.isOpen();
    }
  }

  private final int capacity;
  private final Map<Path, Open> open = new ConcurrentHashMap<>();
  private volatile boolean closed;

  ReplicaFiles(int capacity) {
    this.capacity = capacity;
  }

  /**
   * The replica's files, open for reading, still the ones the paths name; null when they changed
   * while being opened (the caller reads through the daemon).
   *
   * @throws java.nio.file.NoSuchFileException when either file does not exist
   */
  Open get(Path dataPath, Path crcPath) throws IOException {
    Object dataKey = identity(dataPath);
    Object crcKey = identity(crcPath);
    Open held = open.get(dataPath);
    if (held != null && held.isOpen() && held.dataKey().equals(dataKey) && held.crcKey().equals(crcKey)) {
      return held;
    }
    if (held != null && open.remove(dataPath, held)) {
      closeQuietly(held);
    }
    FileChannel data = FileChannel.open(dataPath, StandardOpenOption.READ);
    FileChannel crc;
    try {
      crc = FileChannel.open(crcPath, StandardOpenOption.READ);
    } catch (IOException e) {
      data.close();
      throw e;
    }
    Open fresh = new Open(data, crc, dataKey, crcKey);
    // Replaced between the stat and the open: which file we hold is unknown, so use neither.
    if (!identity(dataPath).equals(dataKey) || !identity(crcPath).equals(crcKey)) {
      closeQuietly(fresh);
      return null;
    }
    makeRoom();
    Open raced = open.putIfAbsent(dataPath, fresh);
    if (raced != null || closed) {
      closeQuietly(fresh); // another reader opened them first (or we are closing): use theirs next time
      return closed ? null : raced;
    }
    return fresh;
  }

  private void makeRoom() {
    Iterator<Map.Entry<Path, Open>> it = open.entrySet().iterator();
    while (open.size() >= capacity && it.hasNext()) {
      Open victim = it.next().getValue();
      it.remove();
      closeQuietly(victim);
    }
  }

  private static Object identity(Path p) throws IOException {
    return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
  }

  private static void closeQuietly(Open o) {
    try {
      o.data().close();
    } catch (IOException e) {
      // read-only: nothing lost
    }
    try {
      o.crc().close();
    } catch (IOException e) {
      // read-only: nothing lost
    }
  }

  int size() {
    return open.size();
  }

  @Override
  public void close() {
    closed = true;
    for (Open o : open.values()) {
      closeQuietly(o);
    }
    open.clear();
  }
}
