package io.stratafs.meta.kv;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Buffered writes layered over a {@link KvReader}: reads see the buffered writes first, then the
 * base. The journal stacks one per operation over one per commit group, so an operation sees the
 * effects of the operations queued before it in the same group. Not thread-safe.
 */
public final class OverlayReader implements KvReader {
  private static final byte[] TOMBSTONE = new byte[0];

  private final KvReader base;
  private final Map<Cf, TreeMap<byte[], byte[]>> writes = new EnumMap<>(Cf.class);
  private final KvBatch batch = new KvBatch();
  private final EnumSet<Cf> putInto = EnumSet.noneOf(Cf.class);

  public OverlayReader(KvReader base) {
    this.base = base;
  }

  private TreeMap<byte[], byte[]> map(Cf cf) {
    return writes.computeIfAbsent(cf, c -> new TreeMap<>(Bytes::compare));
  }

  public void put(Cf cf, byte[] key, byte[] value) {
    map(cf).put(key.clone(), value.clone());
    batch.put(cf, key, value);
    putInto.add(cf);
  }

  /** Whether a key was put (not only deleted) in {@code cf} here, directly or by an absorbed overlay. */
  public boolean putInto(Cf cf) {
    return putInto.contains(cf);
  }

  public void delete(Cf cf, byte[] key) {
    map(cf).put(key.clone(), TOMBSTONE);
    batch.delete(cf, key);
  }

  /** The writes made here, in order. */
  public KvBatch batch() {
    return batch;
  }

  /** Replays another overlay's writes on top of this one (an operation joining its group). */
  public void absorb(OverlayReader child) {
    for (KvBatch.Op op : child.batch.ops()) {
      if (op.value() == null) {
        delete(op.cf(), op.key());
      } else {
        put(op.cf(), op.key(), op.value());
      }
    }
  }

  @Override
  public byte[] get(Cf cf, byte[] key) {
    TreeMap<byte[], byte[]> m = writes.get(cf);
    if (m != null) {
      byte[] v = m.get(key);
      if (v != null) {
        return v == TOMBSTONE ? null : v.clone();
      }
    }
    return base.get(cf, key);
  }

  @Override
  public List<KvEntry> scan(Cf cf, byte[] prefix, byte[] startAfter, int limit) {
    TreeMap<byte[], byte[]> m = writes.get(cf);
    if (m == null || m.isEmpty()) {
      return base.scan(cf, prefix, startAfter, limit);
    }
    var over =
        (startAfter == null || Bytes.compare(startAfter, prefix) < 0
                ? m.tailMap(prefix, true)
                : m.tailMap(startAfter, false))
            .entrySet()
            .iterator();
    Map.Entry<byte[], byte[]> o = nextIn(over, prefix);
    List<KvEntry> page = base.scan(cf, prefix, startAfter, limit);
    int bi = 0;
    List<KvEntry> out = new ArrayList<>();
    while (out.size() < limit) {
      if (bi == page.size() && page.size() == limit) {
        // Base page used up but maybe more: tombstones here may have hidden some of it.
        page = base.scan(cf, prefix, page.get(page.size() - 1).key(), limit);
        bi = 0;
      }
      KvEntry b = bi < page.size() ? page.get(bi) : null;
      if (b == null && o == null) {
        break;
      }
      int c = b == null ? 1 : o == null ? -1 : Bytes.compare(b.key(), o.getKey());
      if (c < 0) {
        out.add(b);
        bi++;
        continue;
      }
      if (c == 0) {
        bi++;
      }
      if (o.getValue() != TOMBSTONE) {
        out.add(new KvEntry(o.getKey().clone(), o.getValue().clone()));
      }
      o = nextIn(over, prefix);
    }
    return out;
  }

  private static Map.Entry<byte[], byte[]> nextIn(
      java.util.Iterator<Map.Entry<byte[], byte[]>> it, byte[] prefix) {
    if (!it.hasNext()) {
      return null;
    }
    Map.Entry<byte[], byte[]> e = it.next();
    return Bytes.startsWith(e.getKey(), prefix) ? e : null;
  }
}
