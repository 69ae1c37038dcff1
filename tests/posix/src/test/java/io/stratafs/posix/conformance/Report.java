package io.stratafs.posix.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pass/fail counts per category (operation group) over the whole run, and the failing cases.
 * Printed and written to {@code target/conformance.md} after each test class, so the file is
 * complete once the last class ends. Thread-safe (synchronized).
 */
public final class Report {
  private static final Map<String, int[]> COUNTS = new TreeMap<>();
  private static final List<String> FAILURES = new ArrayList<>();

  private Report() {}

  static synchronized void record(String category, boolean passed, String failure) {
    int[] c = COUNTS.computeIfAbsent(category, k -> new int[2]);
    c[passed ? 0 : 1]++;
    if (!passed) {
      FAILURES.add("[" + category + "] " + failure);
    }
  }

  /** Adds a row measured elsewhere (the pjdfstest harness). */
  public static synchronized void recordCounts(String category, int passed, int failed) {
    int[] c = COUNTS.computeIfAbsent(category, k -> new int[2]);
    c[0] += passed;
    c[1] += failed;
  }

  public static synchronized String table() {
    StringBuilder sb = new StringBuilder();
    sb.append("# StrataFS POSIX conformance\n\n| category | passed | failed |\n|---|---:|---:|\n");
    int pass = 0;
    int fail = 0;
    for (Map.Entry<String, int[]> e : COUNTS.entrySet()) {
      sb.append("| ").append(e.getKey()).append(" | ").append(e.getValue()[0]).append(" | ")
          .append(e.getValue()[1]).append(" |\n");
      pass += e.getValue()[0];
      fail += e.getValue()[1];
    }
    sb.append("| **total** | ").append(pass).append(" | ").append(fail).append(" |\n");
    if (!FAILURES.isEmpty()) {
      sb.append("\n## Failing cases\n\n");
      FAILURES.forEach(f -> sb.append("- ").append(f).append('\n'));
    }
    return sb.toString();
  }

  /** Prints the table and writes it to target/conformance.md of the module. */
  public static synchronized void publish() {
    String t = table();
    System.out.println(t);
    Path out = Path.of(System.getProperty("basedir", "."), "target", "conformance.md");
    try {
      Files.createDirectories(out.getParent());
      Files.writeString(out, t);
    } catch (IOException e) {
      System.err.println("could not write " + out + ": " + e);
    }
  }
}
