package io.stratafs.meta.kv;

import java.util.List;

/** Point and range reads over the column families. */
public interface KvReader {
  /** The value of {@code key}, or null when absent. */
  byte[] get(Cf cf, byte[] key);

  /**
   * Up to {@code limit} entries whose key starts with {@code prefix}, in unsigned byte order,
   * strictly after {@code startAfter} (null = from the start of the prefix).
   */
  List<KvEntry> scan(Cf cf, byte[] prefix, byte[] startAfter, int limit);
}
