package io.stratafs.cli.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a pid recorded in cluster.json is still one of our processes. A pid alone is not enough:
 * after a reboot or a long time the number may belong to an unrelated process, which we must never
 * count as running nor signal. So the process must be alive and its command line must name
 * {@code io.stratafs} (processes started by {@code up} carry {@code -Dio.stratafs.role=...} first,
 * since the JDK sees only the first 4 KiB of a command line).
 */
public final class ProcessProbe {
  static final String MARKER = "io.stratafs";

  private ProcessProbe() {}

  public static boolean isStrataProcess(Long pid) {
    return handle(pid).isPresent();
  }

  /** The live process behind {@code pid} if it is one of ours. */
  public static Optional<ProcessHandle> handle(Long pid) {
    if (pid == null || pid <= 0) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(h -> h.info().commandLine().map(cl -> cl.contains(MARKER)).orElse(false));
  }

  /**
   * Whether the process has ended: gone, or a zombie. The JDK counts a zombie as alive, and our
   * daemons' parent is init (the {@code up} that started them has exited), which may take a second
   * or two to reap one: {@code strata down} waited that long for each process.
   */
  public static boolean hasEnded(ProcessHandle process) {
    if (!process.isAlive()) {
      return true;
    }
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
    } catch (IOException e) {
      return !process.isAlive(); // no /proc entry: gone by now, or not Linux
    }
    // "pid (comm) state ...": comm may hold spaces and parentheses, so the state follows the last ')'.
    int close = stat.lastIndexOf(')');
    char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
    return state == 'Z' || state == 'X';
  }
}
