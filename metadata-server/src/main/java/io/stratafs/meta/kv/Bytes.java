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
}
