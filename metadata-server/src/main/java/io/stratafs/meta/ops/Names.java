package io.stratafs.meta.ops;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.util.Arrays;

/** Validation of entry names (bytes; POSIX names need not be UTF-8). */
public final class Names {
  public static final int NAME_MAX = 255;
  private static final byte[] DOT = {'.'};
  private static final byte[] DOTDOT = {'.', '.'};

  private Names() {}

  /** Throws INVALID_ARGUMENT for empty names or names with '/' or NUL, NAME_TOO_LONG past 255. */
  public static void validate(byte[] name) {
    if (name.length == 0) {
      throw StrataException.of(StatusCode.INVALID_ARGUMENT, "empty entry name");
    }
    if (name.length > NAME_MAX) {
      throw StrataException.of(
          StatusCode.NAME_TOO_LONG, "entry name is %d bytes; at most %d", name.length, NAME_MAX);
    }
    for (byte b : name) {
      if (b == '/' || b == 0) {
        throw StrataException.of(
            StatusCode.INVALID_ARGUMENT, "entry name contains '/' or NUL: %s", show(name));
      }
    }
  }

  public static boolean isDot(byte[] name) {
    return Arrays.equals(name, DOT);
  }

  public static boolean isDotDot(byte[] name) {
    return Arrays.equals(name, DOTDOT);
  }

  /** Validates a name for a new entry: "." and ".." always exist. */
  public static void validateNew(byte[] name) {
    validate(name);
    if (isDot(name) || isDotDot(name)) {
      throw StrataException.of(StatusCode.EXISTS, "'%s' always exists", show(name));
    }
  }

  public static String show(byte[] name) {
    return new String(name, java.nio.charset.StandardCharsets.UTF_8);
  }
}
