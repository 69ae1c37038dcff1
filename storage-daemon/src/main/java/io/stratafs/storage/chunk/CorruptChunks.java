package io.stratafs.storage.chunk;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The chunk replicas of this daemon found corrupt (by the scrubber or a read) and still on disk,
 * as {@code <device>/<16 hex chunk id>}. Published in the daemon's ZooKeeper registration so the
 * metadata server repairs them; deleting (or wholly replacing) the replica removes it. Listeners
 * run on the thread that changed the set and must be quick. Thread-safe.
 */
public final class CorruptChunks {
  private final Set<String> keys = new ConcurrentSkipListSet<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public static String key(String device, long chunkId) {
    return device + "/" + ChunkStore.hex(chunkId);
  }

  void add(String device, long chunkId) {
    if (keys.add(key(device, chunkId))) {
      changed();
    }
  }

  void remove(String device, long chunkId) {
    if (keys.remove(key(device, chunkId))) {
      changed();
    }
  }

  public boolean contains(String device, long chunkId) {
    return keys.contains(key(device, chunkId));
  }

  /** At most {@code max} entries, in order. */
  public List<String> list(int max) {
    List<String> out = new ArrayList<>();
    for (String k : keys) {
      if (out.size() >= max) {
        break;
      }
      out.add(k);
    }
    return out;
  }

  /** Runs {@code listener} after every change. */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  private void changed() {
    for (Runnable l : listeners) {
      l.run();
    }
  }
}
