package io.stratafs.cli.cluster;

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
}
