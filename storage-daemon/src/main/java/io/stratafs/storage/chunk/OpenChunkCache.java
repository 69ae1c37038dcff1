package io.stratafs.storage.chunk;

import io.stratafs.common.ReadOnlyDescriptors;
import io.stratafs.common.UntimedStat;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded LRU of open chunk channels, so hot chunks are not reopened per request. The map's
 * monitor guards only lookups and opens (short); the chunk operations themselves run outside it
 * under the per-chunk lock. Callers must {@link OpenChunk#release()} what {@link #acquire}
 * returns.
 */
final class OpenChunkCache implements AutoCloseable {
  private record Key(Device device, long chunkId) {}

  private final LinkedHashMap<Key, OpenChunk> open;

  OpenChunkCache(int maxOpenChunks) {
    this.open =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, OpenChunk> eldest) {
            if (size() > maxOpenChunks) {
              eldest.getValue().release();
              return true;
            }
            return false;
          }
        };
  }

  /**
   * Returns the chunk's channels with a reference for the caller, opening (and with {@code create}
   * creating) the files; null when the chunk does not exist and {@code create} is false.
   */
  OpenChunk acquire(Device device, long chunkId, boolean create) throws IOException {
    Key key = new Key(device, chunkId);
    synchronized (open) {
      OpenChunk oc = open.get(key);
      if (oc != null && oc.retain()) {
        return oc;
      }
      oc = openFiles(device, chunkId, create);
      if (oc == null) {
        return null;
      }
      oc.retain();
      open.put(key, oc);
      return oc;
    }
  }

  /** Drops the chunk from the cache (before deleting its files); in-flight users keep theirs. */
  void invalidate(Device device, long chunkId) {
    OpenChunk oc;
    synchronized (open) {
      oc = open.remove(new Key(device, chunkId));
    }
    if (oc != null) {
      oc.release();
    }
  }

  boolean isOpen(Device device, long chunkId) {
    synchronized (open) {
      return open.containsKey(new Key(device, chunkId));
    }
  }

  private static OpenChunk openFiles(Device device, long chunkId, boolean create) throws IOException {
    var dataPath = device.dataPath(chunkId);
    var crcPath = device.crcPath(chunkId);
    FileChannel data;
    if (create) {
      device.ensureChunkDir(chunkId);
      data =
          FileChannel.open(
              dataPath,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE,
              StandardOpenOption.SPARSE);
    } else {
      try {
        data = FileChannel.open(dataPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
      } catch (NoSuchFileException e) {
        return null;
      }
    }
    try {
      // The .crc file is created with the data file; a data file without one reads as CORRUPT.
      FileChannel crc =
          FileChannel.open(
              crcPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        return withWritebackDescriptors(device, chunkId, data, crc);
      } catch (IOException | RuntimeException e) {
        crc.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      data.close();
      throw e;
    }
  }

  /**
   * Adds the descriptors a one-flush sync needs (ADR 027). Opened by path under the chunk's lock,
   * which a replica's deletion also takes, so they are of the files just opened.
   */
  private static OpenChunk withWritebackDescriptors(Device device, long chunkId, FileChannel data, FileChannel crc)
      throws IOException {
    if (!device.syncsWithOneFlush()) {
      return new OpenChunk(device, chunkId, data, crc, -1, -1, data.size(), crc.size());
    }
    int dataFd = ReadOnlyDescriptors.open(device.dataPath(chunkId));
    int crcFd = -1;
    try {
      crcFd = ReadOnlyDescriptors.open(device.crcPath(chunkId));
      // By descriptor without the timestamps (ADR 029); FileChannel.size() is an fstat.
      return new OpenChunk(
          device, chunkId, data, crc, dataFd, crcFd, UntimedStat.size(dataFd), UntimedStat.size(crcFd));
    } catch (IOException | RuntimeException e) {
      ReadOnlyDescriptors.close(dataFd);
      if (crcFd >= 0) {
        ReadOnlyDescriptors.close(crcFd);
      }
      throw e;
    }
  }

  @Override
  public void close() {
    List<OpenChunk> all;
    synchronized (open) {
      all = new ArrayList<>(open.values());
      open.clear();
    }
    all.forEach(OpenChunk::release);
  }
}
