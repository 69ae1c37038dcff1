package io.stratafs.storage.external;

/** Argument checks shared by the backends; violations are programmer errors. */
final class Ranges {
  private Ranges() {}

  static void check(String key, long offset, int length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "range of " + key + " must be non-negative: offset " + offset + ", length " + length);
    }
  }

  static void checkLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("list limit must be at least 1: " + limit);
    }
  }
}
