package io.stratafs.posix.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs an external, already built pjdfstest checkout ({@code PJDFSTEST_DIR}) with {@code prove -r}
 * inside the mount and adds one row per pjdfstest category to the report. Skipped when the variable
 * is unset: the suite never fetches anything from the network.
 */
class PjdfstestHarnessTest extends ConformanceTest {
  private static final Pattern RESULT = Pattern.compile("^(?:\\S*/)?tests/([^/]+)/\\S+\\.t \\.+ (.*)$");
  private static final Pattern FAILED = Pattern.compile("Failed (\\d+)/(\\d+) subtests");
  private static final Pattern TESTS = Pattern.compile("Tests=(\\d+)");

  @Override
  protected String category() {
    return "pjdfstest";
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.HOURS)
  void proveTheTestsDirectoryInsideTheMount() throws Exception {
    String env = System.getenv("PJDFSTEST_DIR");
    assumeTrue(env != null && !env.isBlank(), "PJDFSTEST_DIR is not set");
    Path root = Path.of(env);
    assumeTrue(Files.isExecutable(root.resolve("pjdfstest")), "no built pjdfstest binary in " + root);
    Process proc = new ProcessBuilder("prove", "-r", root.resolve("tests").toString())
        .directory(dir.toFile()).redirectErrorStream(true).start();
    Map<String, int[]> perCategory = new TreeMap<>();
    StringBuilder log = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        log.append(line).append('\n');
        Matcher m = RESULT.matcher(line.trim());
        if (m.matches()) {
          int[] row = perCategory.computeIfAbsent(m.group(1), k -> new int[2]);
          row[m.group(2).startsWith("ok") ? 0 : 1]++;
        }
      }
    }
    assertThat(proc.waitFor(3, TimeUnit.HOURS)).isTrue();
    System.out.println("pjdfstest (files passed / failed per category):");
    perCategory.forEach((k, v) -> {
      System.out.printf("  %-12s %5d %5d%n", k, v[0], v[1]);
      Report.recordCounts("pjdfstest/" + k, v[0], v[1]);
    });
    Matcher tests = TESTS.matcher(log);
    c.check("prove ran tests", tests.find() && Integer.parseInt(tests.group(1)) > 0);
    c.check("prove reports no failure", proc.exitValue() == 0 && !FAILED.matcher(log).find());
  }
}
