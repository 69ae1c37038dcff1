package io.stratafs.storage.external;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;

/**
 * The keys every backend accepts, checked once here so that a key valid on S3 is valid on a
 * directory too and a backend can be swapped without renaming objects: 1 to 1024 printable ASCII
 * characters except {@code \}, segments separated by single {@code /}, no leading or trailing
 * {@code /}, no {@code .} or {@code ..} segment (a directory backend must never leave its root),
 * and not under {@link #RESERVED} (a directory backend's temporary files). ASCII keeps the order
 * of listings identical everywhere (S3 sorts by UTF-8 bytes, Java by UTF-16 units).
 */
public final class BlobKeys {
  public static final int MAX_LENGTH = 1024;

  /** First segment kept for a directory backend's in-flight files. */
  public static final String RESERVED = ".strata-tmp";

  private BlobKeys() {}

  /** Returns {@code key}; INVALID_ARGUMENT naming the problem otherwise. */
  public static String check(String key) {
    String problem = problem(key);
    if (problem != null) {
      throw StrataException.of(StatusCode.INVALID_ARGUMENT, "invalid object key '%s': %s", key, problem);
    }
    return key;
  }

  /** Checks a listing prefix or start key: as a key, but empty is fine and a trailing / too. */
  static String checkPrefix(String prefix) {
    if (prefix.isEmpty()) {
      return prefix;
    }
    check(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
    return prefix;
  }

  private static String problem(String key) {
    if (key == null || key.isEmpty()) {
      return "empty";
    }
    if (key.length() > MAX_LENGTH) {
      return "longer than " + MAX_LENGTH + " characters";
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '\\') {
        return String.format("character U+%04X at %d (printable ASCII except '\\' only)", (int) c, i);
      }
    }
    if (key.startsWith("/")) {
      return "absolute (starts with '/')";
    }
    if (key.endsWith("/")) {
      return "ends with '/'";
    }
    String[] segments = key.split("/", -1);
    for (String s : segments) {
      if (s.isEmpty()) {
        return "empty segment ('//')";
      }
      if (s.equals(".") || s.equals("..")) {
        return "'" + s + "' segment";
      }
    }
    if (segments[0].equals(RESERVED)) {
      return "'" + RESERVED + "' is reserved";
    }
    return null;
  }
}
