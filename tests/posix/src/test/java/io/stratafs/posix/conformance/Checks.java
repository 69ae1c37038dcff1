package io.stratafs.posix.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The expectation DSL of one test: every {@code expect}/{@code check} is one case, recorded in the
 * {@link Report} under the test's category; a failing case does not stop the test, so one run
 * lists every wrong errno, and {@link #assertAllPassed} fails the test at its end. A case is named
 * by its source line unless a description is given. Not thread-safe: one per test method.
 */
public final class Checks {
  private final String category;
  private final List<String> failures = new ArrayList<>();
  private int cases;

  public Checks(String category) {
    this.category = category;
  }

  /** The call answers a result or -errno; OK (0) expects any non-negative result. */
  public void expect(int errno, IntSupplier call) {
    expect(null, errno, call);
  }

  public void expect(String what, int errno, IntSupplier call) {
    long got = call.getAsInt();
    result(what, errno, got);
  }

  /** As {@link #expect(int, IntSupplier)} for calls answering a long (lseek). */
  public void expectLong(String what, int errno, LongSupplier call) {
    result(what, errno, call.getAsLong());
  }

  /** Runs the call as {@code cred} (on its own thread) and expects {@code errno}. */
  public void expectAs(Cred cred, int errno, IntSupplier call) {
    expectAs(cred, null, errno, call);
  }

  public void expectAs(Cred cred, String what, int errno, IntSupplier call) {
    String where = where(what);
    int got = cred.call(call::getAsInt);
    result(where + " as " + cred.name(), errno, got);
  }

  /** A non-errno fact (a mode, a size, a time relation). */
  public void check(String what, boolean ok) {
    record(ok, where(what) + ": condition false");
  }

  public void equal(String what, Object expected, Object actual) {
    record(Objects.equals(expected, actual), where(what) + ": expected " + expected + " but got " + actual);
  }

  /** Octal comparison of permission bits. */
  public void mode(String what, int expected, int actual) {
    record(expected == actual, where(what) + String.format(": expected mode %o but got %o", expected, actual));
  }

  /** Evaluates lazily only to keep description building out of the happy path. */
  public void check(String what, Supplier<Boolean> ok) {
    check(what, Boolean.TRUE.equals(ok.get()));
  }

  private void result(String what, int errno, long got) {
    boolean ok = errno == 0 ? got >= 0 : got == -errno;
    String gotName = got >= 0 ? "OK(" + got + ")" : Errno.name((int) -got);
    record(ok, where(what) + ": expected " + Errno.name(errno) + " but got " + gotName);
  }

  private void record(boolean ok, String failure) {
    cases++;
    Report.record(category, ok, failure);
    if (!ok) {
      failures.add(failure);
    }
  }

  private static String where(String what) {
    if (what != null && (what.contains(".java:") || what.contains(" as "))) {
      return what;
    }
    StackWalker.StackFrame frame =
        StackWalker.getInstance()
            .walk(s -> s.filter(f -> !f.getClassName().equals(Checks.class.getName())).findFirst())
            .orElseThrow();
    String line = frame.getFileName() + ":" + frame.getLineNumber();
    return what == null ? line : line + " " + what;
  }

  public int cases() {
    return cases;
  }

  public void assertAllPassed() {
    if (!failures.isEmpty()) {
      throw new AssertionError(failures.size() + " of " + cases + " cases failed:\n  " + String.join("\n  ", failures));
    }
  }
}
