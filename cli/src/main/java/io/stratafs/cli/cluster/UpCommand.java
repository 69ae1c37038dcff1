package io.stratafs.cli.cluster;

import io.stratafs.cli.ClientLogs;
import io.stratafs.cli.DurationConverter;
import io.stratafs.cli.SizeConverter;
import io.stratafs.cli.daemon.ReplicationSettings;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.common.ZkPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code strata up}: the embedded single-machine cluster. Starts ZooKeeper, one metadata server,
 * N storage daemons and the mount, each its own background process except that the mount runs in
 * the first storage daemon's by default ({@code strata node}, ADR 034), and returns once the mount
 * answers. Run again, it changes nothing if everything runs and restarts only what has stopped.
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Start an embedded cluster on this machine and mount it: ZooKeeper, a metadata server, "
          + "storage daemons over directories of the data directory, and the FUSE mount (in the first "
          + "storage daemon's process unless --no-mount-with-storage), each a background process with a "
          + "log in DIR/logs. Processes and ports: DIR/cluster.json.",
      "If it is already running, nothing changes; processes that have stopped are restarted. "
          + "Options other than --data apply when the cluster is first created; cluster.json keeps them "
          + "(devices, labels node=node-I, external targets, replication settings) for restarts.",
    })
public final class UpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataDirOption data;

  @Option(names = "--mount", paramLabel = "DIR", description = "Mount point (default: DIR/mnt, e.g. ~/.strata/mnt).")
  Path mount;

  @Option(names = "--storage", paramLabel = "N", defaultValue = "3", description = "Number of storage daemons, one device each (default: ${DEFAULT-VALUE}).")
  int storageDaemons;

  @Option(
      names = "--mount-with-storage",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Run the mount in the first storage daemon's process (`strata node`): its calls to that daemon are method calls, not round trips to another process, so synced writes and databases are faster. --no-mount-with-storage runs the mount and every daemon as processes of their own, so that one can be killed without the other (default: ${DEFAULT-VALUE}).")
  boolean mountWithStorage;

  @Option(names = "--fs", paramLabel = "NAME", defaultValue = ZkPaths.DEFAULT_FS, description = "Filesystem name (default: ${DEFAULT-VALUE}).")
  String fs;

  @Option(names = "--chunk-size", paramLabel = "SIZE", converter = SizeConverter.class, defaultValue = "64M", description = "Chunk size of new files, e.g. 4M, 64M, 1G (default: ${DEFAULT-VALUE}).")
  long chunkSizeBytes;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "60s", description = "How long to wait for each process to become ready (default: ${DEFAULT-VALUE}).")
  Duration readyTimeout;

  @Option(names = "--external", paramLabel = "[NAME=]URI", description = "An external target every storage daemon reaches: s3://bucket[/prefix][?endpoint=http://host:port&path-style=true] or nas:///abs/dir; repeatable; unnamed ones are ext1, ext2... (default: nas://DIR/external, so the default policy hybrid has its external copy).")
  List<String> externals = new ArrayList<>();

  @Option(names = "--heal-grace", paramLabel = "DURATION", description = "Passed to the metadata server: how long a storage daemon may be gone before its replicas are re-created (default: the server's, 30s).")
  String healGrace;

  @Option(names = "--upload-delay", paramLabel = "DURATION", description = "Passed to the metadata server: how long a written chunk waits before its external upload (default: the server's, 2s).")
  String uploadDelay;

  @Option(names = "--policy", paramLabel = "NAME=DEF", description = "Passed to the metadata server: an extra storage policy, e.g. fast3=3xnvme; repeatable.")
  List<String> policies = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    if (storageDaemons < 1 || storageDaemons > 64) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--storage': must be between 1 and 64, got " + storageDaemons);
    }
    try {
      ZkPaths.root(fs);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--fs': " + e.getMessage());
    }
    List<ExternalTarget> targets;
    ReplicationSettings replication;
    try {
      targets = ExternalTarget.parseAll(externals);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--external': " + e.getMessage());
    }
    try {
      replication = ReplicationSettings.of(healGrace, uploadDelay, policies);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    ClientLogs.quietZooKeeperClient();
    PrintWriter out = spec.commandLine().getOut();
    ClusterLayout layout = new ClusterLayout(data.resolve());
    Files.createDirectories(layout.dataDir());
    Optional<ClusterFile> existing = ClusterFile.readIfExists(layout.clusterJson());
    UpPlan plan = UpPlan.decide(existing, ProcessProbe::isStrataProcess);
    ClusterFile cluster;
    List<ClusterProcess> toStart;
    switch (plan.kind()) {
      case ALREADY_RUNNING -> {
        ClusterFile c = existing.orElseThrow();
        out.println("StrataFS is already running: filesystem '" + c.fs() + "' mounted at " + c.mount() + " (" + c.processes().size() + " processes).");
        out.println("  strata status   # processes and usage");
        out.println("  strata down     # unmount and stop");
        out.flush();
        return 0;
      }
      case RESTART_STOPPED -> {
        cluster = existing.orElseThrow();
        toStart = plan.toStart();
        if (toStart.size() == cluster.processes().size()) {
          out.println("starting StrataFS in " + layout.dataDir());
        } else {
          out.println("restarting the stopped processes of " + layout.dataDir() + ": " + String.join(", ", toStart.stream().map(ClusterProcess::id).toList()));
        }
      }
      default -> {
        cluster = newCluster(layout, targets, replication);
        toStart = cluster.processes().stream().sorted(ClusterProcess.START_ORDER).toList();
        cluster.write(layout.clusterJson());
        out.println("starting StrataFS in " + layout.dataDir());
      }
    }
    out.flush();
    ClusterFile running = new ClusterStarter(layout, cluster, readyTimeout, out).start(toStart);
    printSummary(out, layout, running);
    return 0;
  }

  private ClusterFile newCluster(ClusterLayout layout, List<ExternalTarget> given, ReplicationSettings replication) throws IOException {
    OptionalInt kept = ClusterProperties.zkPort(layout.properties());
    int zkPort = kept.isPresent() ? kept.getAsInt() : FreePort.pick();
    if (kept.isEmpty()) {
      ClusterProperties.saveZkPort(layout.properties(), zkPort);
    }
    Path mountPoint = (mount != null ? mount : layout.defaultMount()).toAbsolutePath().normalize();
    if (mountPoint.startsWith(layout.dataDir()) && !mountPoint.getParent().equals(layout.dataDir())) {
      throw new StrataException(StatusCode.INVALID_ARGUMENT, "mount point " + mountPoint + " must not be inside a daemon's directory of " + layout.dataDir());
    }
    List<ExternalTarget> targets = given;
    if (targets.isEmpty()) {
      // DESIGN: an external tier out of the box (a directory), so the default policy works.
      Files.createDirectories(layout.defaultExternal());
      targets = List.of(new ExternalTarget("ext1", "nas://" + layout.defaultExternal()));
    }
    List<String> externalFlags = targets.stream().map(ExternalTarget::flagValue).toList();
    List<ClusterProcess> processes = new ArrayList<>();
    processes.add(process(layout, Role.ZK, "zk-1", Map.of("client", zkPort), null));
    processes.add(process(layout, Role.META, "meta-1", Map.of(), null));
    for (int i = 1; i <= storageDaemons; i++) {
      String id = "storage-" + i;
      // The first daemon hosts the mount, if asked: they share a process, as on a node of a real cluster.
      Role role = i == 1 && mountWithStorage ? Role.NODE : Role.STORAGE;
      // One machine, but distinct failure domains: replicas of a chunk go to different daemons.
      processes.add(
          new ClusterProcess(
              role.key(), id, null, Map.of(), layout.logFile(id).toString(), List.of("nvme:" + layout.storageDevice(id)), null, Map.of("node", "node-" + i), externalFlags));
    }
    if (!mountWithStorage) {
      processes.add(process(layout, Role.MOUNT, "mount-1", Map.of(), null));
    }
    return new ClusterFile(fs, "127.0.0.1:" + zkPort, mountPoint.toString(), SizeConverter.format(chunkSizeBytes), processes, targets, replication);
  }

  private static ClusterProcess process(ClusterLayout layout, Role role, String id, Map<String, Integer> ports, List<String> devices) {
    return new ClusterProcess(role.key(), id, null, ports, layout.logFile(id).toString(), devices, null);
  }

  private static void printSummary(PrintWriter out, ClusterLayout layout, ClusterFile c) {
    long storage = c.processes().stream().filter(p -> p.roleEnum().servesStorage()).count();
    String withMount =
        c.processes().stream().filter(p -> p.roleEnum() == Role.NODE).map(p -> " (" + p.id() + " runs the mount too)").findFirst().orElse("");
    out.println();
    out.println("StrataFS is up: filesystem '" + c.fs() + "' mounted at " + c.mount());
    out.println(
        "  ZooKeeper " + c.zk() + ", 1 metadata server, " + storage + (storage == 1 ? " storage daemon" : " storage daemons") + withMount
            + "; logs in " + layout.logs());
    for (ExternalTarget t : c.externalsOrNone()) {
      out.println("  external target " + t.name() + ": " + t.uri());
    }
    out.println("  strata status   # processes and usage (cluster.json: " + layout.clusterJson() + ")");
    out.println("  strata down     # unmount and stop everything; data stays in " + layout.dataDir());
    out.flush();
  }
}
