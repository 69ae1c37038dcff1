package io.stratafs.common;

/**
 * An operating error with a {@link StatusCode}: thrown (or used to complete a future) wherever a
 * condition is detected, carried over RPC unchanged, and mapped to an errno once at the FUSE
 * boundary. Programmer errors are not StrataExceptions; they are assertions and runtime bugs.
 */
public class StrataException extends RuntimeException {
  private final StatusCode code;

  public StrataException(StatusCode code, String message) {
    this(code, message, null);
  }

  public StrataException(StatusCode code, String message, Throwable cause) {
    super(message, cause, true, !isAnswer(code) || cause != null);
    this.code = code;
  }

  /**
   * Codes that are a namespace's ordinary answers (ENOENT to a lookup of a name about to be
   * created, EEXIST, ENODATA for an absent xattr): they carry no stack trace, whose capture was a
   * measurable share of a metadata server's CPU on create-heavy work. Failures keep theirs.
   */
  private static boolean isAnswer(StatusCode code) {
    return switch (code) {
      case NOT_FOUND, EXISTS, NO_ATTRIBUTE, NOT_EMPTY, NOT_DIRECTORY, IS_DIRECTORY, ACCESS_DENIED,
          PERMISSION_DENIED, NAME_TOO_LONG, RANGE, WOULD_BLOCK -> true;
      default -> false;
    };
  }

  public StatusCode code() {
    return code;
  }

  public static StrataException of(StatusCode code, String fmt, Object... args) {
    return new StrataException(code, args.length == 0 ? fmt : String.format(fmt, args));
  }

  /** Unwraps CompletionException/ExecutionException layers to find the StrataException, if any. */
  public static StatusCode codeOf(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StrataException se) {
        return se.code();
      }
    }
    return StatusCode.INTERNAL;
  }

  /** Returns the StrataException in the cause chain, or wraps the throwable as INTERNAL. */
  public static StrataException unwrap(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StrataException se) {
        return se;
      }
    }
    return new StrataException(StatusCode.INTERNAL, String.valueOf(t), t);
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}
