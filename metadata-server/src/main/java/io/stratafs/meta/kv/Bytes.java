package io.stratafs.meta.kv;

import java.util.Arrays;

/** Unsigned lexicographic byte-array helpers shared by the store implementations. */
public final class Bytes {
  private Bytes() {}

  public static int compare(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }

  public static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  /**
   * The smallest key greater than every key that starts with {@code prefix}: the prefix with its
   * last byte below 0xff incremented and the rest dropped; null when there is none (an empty
   * prefix or all 0xff), meaning the range is open-ended.
   */
  public static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xff) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return null;
  }
}
