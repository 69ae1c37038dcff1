package io.stratafs.posix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When a test fails, prints the last lines of each daemon's log to the test's output, which
 * surefire keeps in {@code target/surefire-reports/<class>-output.txt}. The cluster's directory is
 * a temporary one that is gone after the class, and a failure in a fault test (a process killed
 * mid-write) is rarely understood without what the daemons logged at the time.
 */
final class ClusterLogsOnFailure implements TestWatcher {
  private static final int LINES = 80;
  private final Supplier<Path> logs;

  ClusterLogsOnFailure(Supplier<Path> logs) {
    this.logs = logs;
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Path dir = logs.get();
    if (dir == null || !Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path log : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
        List<String> lines = Files.readAllLines(log);
        System.err.printf(
            "---- %s failed: last %d of %d lines of %s ----%n",
            context.getDisplayName(), Math.min(LINES, lines.size()), lines.size(), log.getFileName());
        lines.subList(Math.max(0, lines.size() - LINES), lines.size()).forEach(System.err::println);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the cluster's logs in " + dir, e);
    }
  }
}
