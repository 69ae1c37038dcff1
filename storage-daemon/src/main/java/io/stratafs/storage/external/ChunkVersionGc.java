package io.stratafs.storage.external;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Deletes the objects of a chunk's versions older than the current one. Newer versions stay: they
 * may be an upload in flight that metadata has not switched to yet. Safe to repeat and to run
 * concurrently with itself (delete is idempotent).
 */
public final class ChunkVersionGc {
  static final int PAGE = 1000;

  private ChunkVersionGc() {}

  /**
   * Removes every block of versions of {@code chunkId} below {@code currentVersion} (unsigned
   * comparison, as versions are uint64 on the wire).
   *
   * @return the number of objects deleted
   */
  public static int deleteOlderVersions(BlobBackend backend, long chunkId, long currentVersion) {
    String prefix = ChunkObjectLayout.chunkPrefix(chunkId);
    int deleted = 0;
    String after = "";
    while (true) {
      BlobPage page = backend.list(prefix, after, PAGE);
      List<String> doomed = new ArrayList<>();
      boolean reachedCurrent = false;
      for (BlobInfo i : page.entries()) {
        Optional<ChunkObjectLayout.BlockKey> k = ChunkObjectLayout.parse(i.key());
        if (k.isEmpty()) {
          continue; // not ours; leave it
        }
        if (Long.compareUnsigned(k.get().version(), currentVersion) >= 0) {
          // Keys sort by version: nothing older follows.
          reachedCurrent = true;
          break;
        }
        doomed.add(i.key());
      }
      for (String key : doomed) {
        backend.delete(key);
        deleted++;
      }
      if (reachedCurrent || !page.truncated() || page.entries().isEmpty()) {
        return deleted;
      }
      after = page.entries().getLast().key();
    }
  }

  /** Removes every block of every version of {@code chunkId}; returns the number deleted. */
  public static int deleteAllVersions(BlobBackend backend, long chunkId) {
    int deleted = 0;
    String after = "";
    while (true) {
      BlobPage page = backend.list(ChunkObjectLayout.chunkPrefix(chunkId), after, PAGE);
      for (BlobInfo i : page.entries()) {
        if (ChunkObjectLayout.parse(i.key()).isPresent()) {
          backend.delete(i.key());
          deleted++;
        }
      }
      if (!page.truncated() || page.entries().isEmpty()) {
        return deleted;
      }
      after = page.entries().getLast().key();
    }
  }
}
