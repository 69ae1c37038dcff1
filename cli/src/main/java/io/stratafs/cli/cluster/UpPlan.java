package io.stratafs.cli.cluster;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What {@code strata up} does given the cluster.json it finds: start a new cluster, nothing (all
 * recorded processes are ours and alive), or restart only the processes that are not running.
 */
public record UpPlan(Kind kind, List<ClusterProcess> toStart) {
  public enum Kind {
    START_NEW,
    ALREADY_RUNNING,
    RESTART_STOPPED,
  }

  public UpPlan {
    toStart = List.copyOf(toStart);
  }

  public static UpPlan decide(Optional<ClusterFile> existing, Predicate<Long> isRunning) {
    if (existing.isEmpty() || existing.get().processes().isEmpty()) {
      return new UpPlan(Kind.START_NEW, List.of());
    }
    List<ClusterProcess> stopped =
        existing.get().processes().stream()
            .filter(p -> !isRunning.test(p.pid()))
            .sorted(ClusterProcess.START_ORDER)
            .toList();
    return stopped.isEmpty()
        ? new UpPlan(Kind.ALREADY_RUNNING, List.of())
        : new UpPlan(Kind.RESTART_STOPPED, stopped);
  }
}
