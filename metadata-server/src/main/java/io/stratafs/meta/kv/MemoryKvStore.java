package io.stratafs.meta.kv;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * An in-memory {@link KvStore} over one TreeMap per column family, for unit tests. A single lock
 * makes batches atomic; snapshots copy the maps (fine at test sizes).
 */
public final class MemoryKvStore implements KvStore {
  private final Map<Cf, TreeMap<byte[], byte[]>> maps;

  public MemoryKvStore() {
    this(emptyMaps());
  }

  private MemoryKvStore(Map<Cf, TreeMap<byte[], byte[]>> maps) {
    this.maps = maps;
  }

  private static Map<Cf, TreeMap<byte[], byte[]>> emptyMaps() {
    Map<Cf, TreeMap<byte[], byte[]>> m = new EnumMap<>(Cf.class);
    for (Cf cf : Cf.values()) {
      m.put(cf, new TreeMap<>(Bytes::compare));
    }
    return m;
  }

  @Override
  public synchronized byte[] get(Cf cf, byte[] key) {
    byte[] v = maps.get(cf).get(key);
    return v == null ? null : v.clone();
  }

  @Override
  public synchronized List<KvEntry> scan(Cf cf, byte[] prefix, byte[] startAfter, int limit) {
    return scanMap(maps.get(cf), prefix, startAfter, limit);
  }

  static List<KvEntry> scanMap(
      NavigableMap<byte[], byte[]> map, byte[] prefix, byte[] startAfter, int limit) {
    List<KvEntry> out = new ArrayList<>();
    NavigableMap<byte[], byte[]> tail =
        startAfter == null || Bytes.compare(startAfter, prefix) < 0
            ? map.tailMap(prefix, true)
            : map.tailMap(startAfter, false);
    for (Map.Entry<byte[], byte[]> e : tail.entrySet()) {
      if (out.size() >= limit || !Bytes.startsWith(e.getKey(), prefix)) {
        break;
      }
      out.add(new KvEntry(e.getKey().clone(), e.getValue().clone()));
    }
    return out;
  }

  @Override
  public synchronized KvSnapshot snapshot() {
    Map<Cf, TreeMap<byte[], byte[]>> copy = new EnumMap<>(Cf.class);
    maps.forEach((cf, m) -> copy.put(cf, new TreeMap<>(m)));
    MemoryKvStore frozen = new MemoryKvStore(copy);
    return new KvSnapshot() {
      @Override
      public byte[] get(Cf cf, byte[] key) {
        return frozen.get(cf, key);
      }

      @Override
      public List<KvEntry> scan(Cf cf, byte[] prefix, byte[] startAfter, int limit) {
        return frozen.scan(cf, prefix, startAfter, limit);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public synchronized void write(KvBatch batch, boolean sync) {
    for (KvBatch.Op op : batch.ops()) {
      if (op.value() == null) {
        maps.get(op.cf()).remove(op.key());
      } else {
        maps.get(op.cf()).put(op.key(), op.value());
      }
    }
  }

  /** Nothing to make durable: this store lives and dies with the process. */
  @Override
  public void sync() {}

  @Override
  public void close() {}
}
