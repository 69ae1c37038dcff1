package io.stratafs.posix;

import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.cli.cluster.ClusterFile;
import io.stratafs.cli.cluster.ClusterProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code strata} command as a separate process, as users do ({@code strata up --data D
 * --mount M}), with this test's classpath; the daemons it starts are processes of their own,
 * listed in {@code D/cluster.json}.
 */
final class StrataCli {
  private final Path data;
  private final Path mount;

  StrataCli(Path data, Path mount) {
    this.data = data;
    this.mount = mount;
  }

  Path mount() {
    return mount;
  }

  /** {@code strata up}: starts what is not running (clearing a stale mount first). */
  void up(String... extra) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("up", "--data", data.toString(), "--mount", mount.toString()));
    args.addAll(List.of(extra));
    run(args);
  }

  /** {@code strata down}: unmounts and stops every process. */
  void down() throws IOException, InterruptedException {
    run(List.of("down", "--data", data.toString()));
  }

  /** kill -9 of every process in cluster.json, then waits until each is gone. */
  void killAll() throws InterruptedException {
    Optional<ClusterFile> cluster = ClusterFile.readIfExists(data.resolve("cluster.json"));
    assertThat(cluster).as("cluster.json").isPresent();
    List<ProcessHandle> killed = new ArrayList<>();
    for (ClusterProcess p : cluster.get().processes()) {
      if (p.pid() != null) {
        ProcessHandle.of(p.pid()).ifPresent(h -> {
          h.destroyForcibly(); // SIGKILL
          killed.add(h);
        });
      }
    }
    assertThat(killed).as("processes killed").isNotEmpty();
    for (ProcessHandle h : killed) {
      h.onExit().orTimeout(60, TimeUnit.SECONDS).join();
    }
  }

  private void run(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "io.stratafs.cli.Strata"));
    cmd.addAll(args);
    Path log = Files.createTempFile(data.getParent(), "strata-cli-", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    p.getOutputStream().close();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("strata " + args + " timed out:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
    assertThat(p.exitValue()).as("strata %s:%n%s", args, Files.readString(log, StandardCharsets.UTF_8)).isZero();
  }
}
