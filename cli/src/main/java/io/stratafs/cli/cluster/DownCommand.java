package io.stratafs.cli.cluster;

import io.stratafs.cli.ClientLogs;
import io.stratafs.cli.DurationConverter;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code strata down}: unmount first (so applications see a clean unmount, not a dead endpoint),
 * then stop storage daemons, metadata server and ZooKeeper. Each gets SIGTERM, then SIGKILL after
 * the grace period. Idempotent.
 */
@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Unmount and stop the embedded cluster: the mount first, then storage daemons, the "
          + "metadata server and ZooKeeper (SIGTERM, then SIGKILL after the grace period).",
      "Data stays in the data directory; `strata up` starts the same filesystem again.",
    })
public final class DownCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataDirOption data;

  @Option(names = "--grace", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "30s", description = "How long each process may take to stop before SIGKILL (default: ${DEFAULT-VALUE}).")
  Duration grace;

  @Override
  public Integer call() {
    ClientLogs.quietZooKeeperClient();
    PrintWriter out = spec.commandLine().getOut();
    ClusterLayout layout = new ClusterLayout(data.resolve());
    Optional<ClusterFile> existing = ClusterFile.readIfExists(layout.clusterJson());
    if (existing.isEmpty()) {
      out.println("StrataFS is not running (no " + layout.clusterJson() + ")");
      out.flush();
      return 0;
    }
    ClusterFile cluster = existing.get();
    List<ClusterProcess> stopOrder =
        cluster.processes().stream().sorted(ClusterProcess.START_ORDER.reversed()).toList();
    int stopped = 0;
    String stuck = null;
    for (ClusterProcess p : stopOrder) {
      Optional<ProcessHandle> handle = ProcessProbe.handle(p.pid());
      if (handle.isPresent()) {
        ProcessStopper.Outcome outcome = ProcessStopper.stop(handle.get(), grace);
        switch (outcome) {
          case TERMINATED -> out.println("stopped " + p.id() + " (pid " + p.pid() + ")");
          case KILLED -> out.println("killed  " + p.id() + " (pid " + p.pid() + ") after " + DurationConverter.format(grace) + "; read " + p.log());
          case STILL_RUNNING -> stuck = p.id() + " (pid " + p.pid() + ")";
        }
        out.flush();
        if (outcome == ProcessStopper.Outcome.STILL_RUNNING) {
          break;
        }
        stopped++;
      }
      cluster = cluster.update(p.id(), q -> q.withPid(null));
    }
    boolean mountFreed = true;
    Path mountPoint = Path.of(cluster.mount());
    if (stuck == null && MountCleanup.isMounted(mountPoint)) {
      mountFreed = MountCleanup.clear(mountPoint, true);
      if (mountFreed) {
        out.println("cleared the stale mount at " + mountPoint);
      }
    }
    cluster.write(layout.clusterJson());
    if (stuck != null) {
      throw new StrataException(StatusCode.BUSY, stuck + " survived SIGKILL; check it with ps and run `strata down` again");
    }
    if (!mountFreed) {
      throw new StrataException(StatusCode.BUSY, mountPoint + " is still mounted; close the programs using it and run `umount -l " + mountPoint + "` as root");
    }
    out.println(stopped == 0 ? "StrataFS is not running" : "StrataFS is down; data stays in " + layout.dataDir());
    out.flush();
    return 0;
  }
}
