package io.stratafs.cli.cluster;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a {@code strata} subcommand as a detached background process: the same java binary and
 * classpath as this process, stdin from /dev/null, stdout and stderr appended to its log file, and
 * (where {@code setsid} exists) its own session, so that closing the terminal or Ctrl-C in it does
 * not reach the daemons. They outlive the {@code up} command by design.
 */
final class DaemonLauncher {
  static final String MAIN_CLASS = "io.stratafs.cli.Strata";
  private static final File DEV_NULL = new File("/dev/null");
  private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

  /** Extra JVM flags for every process `strata up` starts, split on whitespace. */
  static final String EXTRA_FLAGS_ENV = "STRATA_DAEMON_JAVA_OPTS";

  private DaemonLauncher() {}

  /**
   * JVM flags per role: small heaps (a laptop runs them all), serial GC on few cores. The mount's
   * write buffers (2 x 32 MiB per file being written, all files together bounded by the mount's
   * --write-budget, 96 MiB) are direct memory (ADR 028), as are its FUSE and RPC buffers: 192 MiB
   * holds the budget and the reserve MountOptions checks for. Reads land in the FUSE reply
   * buffers, not the heap. Heap and direct memory are both capped so the whole client stays under
   * 512 MiB resident. A node (a storage daemon with the mount) gets the mount's direct memory plus
   * 64 MiB for the daemon's RPC buffers and the frames of the mount's in-process calls.
   */
  static List<String> jvmFlags(Role role) {
    String heap =
        switch (role) {
          case ZK -> "-Xmx256m";
          case META, STORAGE -> "-Xmx512m";
          case MOUNT -> "-Xmx256m";
          case NODE -> "-Xmx384m";
        };
    // The role property doubles as the marker ProcessProbe looks for: the JDK reads only the
    // first 4 KiB of a command line, and the classpath before the main class is longer than that.
    List<String> flags =
        new ArrayList<>(
            List.of(
                "-D" + ProcessProbe.MARKER + ".role=" + role.key(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xms32m",
                heap,
                "-XX:+UseSerialGC"));
    switch (role) {
      case MOUNT -> flags.add("-XX:MaxDirectMemorySize=192m");
      case NODE -> flags.add("-XX:MaxDirectMemorySize=256m");
      default -> {}
    }
    // Operators' extra flags (GC logging, a larger heap, JFR) come last, so they win.
    String extra = System.getenv(EXTRA_FLAGS_ENV);
    if (extra != null && !extra.isBlank()) {
      flags.addAll(List.of(extra.trim().split("\\s+")));
    }
    return List.copyOf(flags);
  }

  static List<String> commandLine(Role role, List<String> strataArgs) {
    List<String> cmd = new ArrayList<>();
    SETSID.stream().filter(Files::isExecutable).findFirst().ifPresent(p -> cmd.add(p.toString()));
    cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmFlags(role));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(MAIN_CLASS);
    cmd.addAll(strataArgs);
    return cmd;
  }

  static Process start(Role role, List<String> strataArgs, Path log) {
    List<String> cmd = commandLine(role, strataArgs);
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, "=== " + java.time.OffsetDateTime.now() + " " + String.join(" ", strataArgs) + System.lineSeparator(),
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      ProcessBuilder pb = new ProcessBuilder(cmd);
      // glibc gives each thread that mallocs its own arena; with a few dozen threads (RPC,
      // FUSE workers, RocksDB) their fragmentation was ~50 MiB of the mount's resident memory.
      pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
      pb.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.redirectErrorStream(true);
      return pb.start();
    } catch (IOException e) {
      throw new StrataException(StatusCode.IO_ERROR, "cannot start " + String.join(" ", strataArgs) + ": " + e.getMessage(), e);
    }
  }
}
