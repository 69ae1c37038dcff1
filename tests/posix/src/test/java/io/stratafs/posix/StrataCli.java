package io.stratafs.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stratafs.cli.cluster.ClusterFile;
import io.stratafs.cli.cluster.ClusterProcess;
import io.stratafs.cli.cluster.ProcessProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code strata} command as a separate process, as users do ({@code strata up --data D
 * --mount M}), with this test's classpath; the daemons it starts are processes of their own,
 * listed in {@code D/cluster.json}.
 */
final class StrataCli {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path data;
  private final Path mount;
  private final Map<String, String> env;

  StrataCli(Path data, Path mount) {
    this(data, mount, Map.of());
  }

  private StrataCli(Path data, Path mount, Map<String, String> env) {
    this.data = data;
    this.mount = mount;
    this.env = Map.copyOf(env);
  }

  /** The same cluster, with {@code extra} in the environment of every command (and so its daemons). */
  StrataCli withEnv(Map<String, String> extra) {
    Map<String, String> all = new HashMap<>(env);
    all.putAll(extra);
    return new StrataCli(data, mount, all);
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

  /**
   * Any {@code strata} subcommand against this cluster ({@code --data} is added for the commands
   * that take it); returns its output, fails the test on a non-zero exit.
   */
  String run(String... args) throws IOException, InterruptedException {
    return run(0, args);
  }

  /** As {@link #run(String...)}, accepting exit codes up to {@code maxExit} (fsck says 1 when unhealthy). */
  String run(int maxExit, String... args) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of(args));
    if (List.of("fsck", "status", "locate").contains(args[0])) {
      all.addAll(1, List.of("--data", data.toString()));
    } else if (args[0].equals("policy")) {
      all.addAll(2, List.of("--data", data.toString()));
    }
    return run(all, maxExit);
  }

  /** {@link #run} of a command printing one JSON object. */
  JsonNode json(String... args) throws IOException, InterruptedException {
    String out = run(args[0].equals("fsck") ? 1 : 0, args);
    int start = out.indexOf('{');
    assertThat(start).as("JSON in the output of strata %s:%n%s", List.of(args), out).isNotNegative();
    return JSON.readTree(out.substring(start));
  }

  /** The processes of {@code role} in cluster.json. */
  List<ClusterProcess> processes(String role) {
    return ClusterFile.readIfExists(data.resolve("cluster.json")).orElseThrow().processes().stream()
        .filter(p -> p.role().equals(role))
        .toList();
  }

  /** kill -9 of one process of cluster.json by id; waits until it is gone. */
  void kill(String id) {
    ClusterProcess p =
        ClusterFile.readIfExists(data.resolve("cluster.json")).orElseThrow().process(id).orElseThrow();
    assertThat(p.pid()).as("pid of %s", id).isNotNull();
    ProcessHandle.of(p.pid()).ifPresent(h -> {
      h.destroyForcibly();
      awaitEnd(h);
    });
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
      awaitEnd(h);
    }
  }

  /** Until the process is gone or a zombie (init reaps those when it gets to it). */
  private static void awaitEnd(ProcessHandle h) {
    await("end of pid " + h.pid())
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> ProcessProbe.hasEnded(h));
  }

  private String run(List<String> args) throws IOException, InterruptedException {
    return run(args, 0);
  }

  private String run(List<String> args, int maxExit) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "io.stratafs.cli.Strata"));
    cmd.addAll(args);
    Path log = Files.createTempFile(data.getParent(), "strata-cli-", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("strata " + args + " timed out:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("strata %s:%n%s", args, out).isBetween(0, maxExit);
    Files.delete(log);
    return out;
  }
}
