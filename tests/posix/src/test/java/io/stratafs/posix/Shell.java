package io.stratafs.posix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs real programs (dd, git, sqlite3...) against the mount, bounded in time. */
final class Shell {
  private Shell() {}

  record Result(int exit, String output) {}

  static Result run(Path cwd, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + List.of(cmd));
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Runs and asserts exit 0, returning the output. */
  static String ok(Path cwd, String... cmd) throws IOException, InterruptedException {
    Result r = run(cwd, cmd);
    assertThat(r.exit()).as("%s failed:%n%s", List.of(cmd), r.output()).isZero();
    return r.output();
  }

  static boolean has(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (new java.io.File(dir, program).canExecute()) {
        return true;
      }
    }
    return false;
  }
}
