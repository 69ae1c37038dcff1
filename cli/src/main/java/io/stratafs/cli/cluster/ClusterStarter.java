package io.stratafs.cli.cluster;

import io.stratafs.cli.daemon.Hostnames;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts processes of the embedded cluster one by one, in role order, each as its own OS process,
 * and waits for each to be ready before the next (storage daemons need the metadata leader, the
 * mount needs both; a node, a storage daemon with the mount, is ready when both are). cluster.json is rewritten after every start so that {@code strata down}
 * can stop a half-started cluster. If one fails, the ones started by this call are stopped again.
 */
final class ClusterStarter {
  private static final Duration STOP_GRACE_ON_FAILURE = Duration.ofSeconds(10);

  private final ClusterLayout layout;
  private final Duration readyTimeout;
  private final PrintWriter out;
  private ClusterFile cluster;
  private ClusterZk zk;
  private final List<String> launched = new ArrayList<>();

  ClusterStarter(ClusterLayout layout, ClusterFile cluster, Duration readyTimeout, PrintWriter out) {
    this.layout = layout;
    this.cluster = cluster;
    this.readyTimeout = readyTimeout;
    this.out = out;
  }

  /** Starts {@code toStart}; returns the cluster as written to cluster.json. */
  ClusterFile start(List<ClusterProcess> toStart) {
    try {
      for (ClusterProcess p : toStart) {
        startOne(p);
      }
      return cluster;
    } catch (RuntimeException e) {
      stopLaunched();
      throw e;
    } finally {
      if (zk != null) {
        zk.close();
      }
    }
  }

  private void startOne(ClusterProcess recorded) {
    Role role = recorded.roleEnum();
    Map<String, Integer> ports = portsFor(recorded);
    Path log = layout.logFile(recorded.id());
    out.printf("starting %-10s ", recorded.id());
    out.flush();
    if (role.mounts()) {
      prepareMountPoint(Path.of(cluster.mount()));
    }
    Process process = DaemonLauncher.start(role, argsFor(recorded, ports), log);
    Instant started = process.toHandle().info().startInstant().orElseGet(Instant::now);
    cluster = cluster.update(recorded.id(), p -> p.withPid(process.pid()).withPorts(ports));
    cluster.write(layout.clusterJson());
    launched.add(recorded.id());
    String what = recorded.id() + " (pid " + process.pid() + ")";
    switch (role) {
      // The port accepts before the server serves: ask for the root node as a client would.
      case ZK -> WaitFor.ready(what, process.toHandle(), log, readyTimeout, () -> FreePort.accepting(ports.get("client")) && zk().exists("/"));
      case META -> {
        WaitFor.ready(what, process.toHandle(), log, readyTimeout, () -> zk().metaLeaderRegisteredSince(started));
        boolean leader = isLeader(recorded.id());
        cluster = cluster.update(recorded.id(), p -> p.withLeader(leader));
        cluster.write(layout.clusterJson());
      }
      case STORAGE -> WaitFor.ready(what, process.toHandle(), log, readyTimeout, () -> zk().storageRegisteredSince(recorded.id(), started));
      case MOUNT -> WaitFor.ready(what, process.toHandle(), log, readyTimeout, () -> mountAnswers(Path.of(cluster.mount())));
      case NODE ->
          WaitFor.ready(what, process.toHandle(), log, readyTimeout,
              () -> zk().storageRegisteredSince(recorded.id(), started) && mountAnswers(Path.of(cluster.mount())));
    }
    out.println("ready (pid " + process.pid() + ", log " + log + ")");
    out.flush();
  }

  /**
   * A process keeps its ports for life: the ZooKeeper port is in every connect string, and the
   * metadata server records each chunk replica with its storage daemon's address. A new process
   * gets free ones.
   */
  private Map<String, Integer> portsFor(ClusterProcess p) {
    String name =
        switch (p.roleEnum()) {
          case ZK -> "client";
          case META, STORAGE, NODE -> "rpc";
          case MOUNT -> null;
        };
    if (name == null) {
      return Map.of();
    }
    Integer kept = p.ports().get(name);
    if (kept == null) {
      return Map.of(name, FreePort.pick());
    }
    if (FreePort.accepting(kept)) {
      throw new StrataException(
          StatusCode.BUSY,
          "port " + kept + " on 127.0.0.1, which " + p.id() + " uses (see " + layout.clusterJson() + "), is taken by another process; stop that process and run `strata up` again");
    }
    return Map.of(name, kept);
  }

  private List<String> argsFor(ClusterProcess p, Map<String, Integer> ports) {
    List<String> args = new ArrayList<>();
    switch (p.roleEnum()) {
      case ZK -> args.addAll(List.of("zk", "--data", layout.zkDir().toString(), "--port", ports.get("client").toString(), "--bind", "127.0.0.1"));
      case META -> {
        args.addAll(List.of("meta", "--zk", cluster.zk(), "--fs", cluster.fs(), "--id", p.id()));
        args.addAll(List.of("--data", layout.metaDir(p.id()).toString(), "--bind", "127.0.0.1", "--port", ports.get("rpc").toString()));
        args.addAll(List.of("--chunk-size", cluster.chunkSize()));
        if (cluster.replication() != null) {
          args.addAll(cluster.replication().toArgs());
        }
      }
      case STORAGE -> {
        args.add("storage");
        args.addAll(storageArgs(p, ports));
      }
      case NODE -> {
        args.add("node");
        args.addAll(storageArgs(p, ports));
        args.add(cluster.mount());
      }
      case MOUNT -> args.addAll(List.of("mount", "--zk", cluster.zk(), "--fs", cluster.fs(), cluster.mount()));
    }
    return args;
  }

  /** The options of the storage daemon {@code p}, for `strata storage` or `strata node`. */
  private List<String> storageArgs(ClusterProcess p, Map<String, Integer> ports) {
    List<String> args = new ArrayList<>(List.of("--zk", cluster.zk(), "--fs", cluster.fs(), "--id", p.id()));
    for (String device : p.devices()) {
      args.addAll(List.of("--device", device));
    }
    // A cluster.json from before labels were recorded: every daemon is this host, as it was.
    Map<String, String> labels = p.labels() != null ? p.labels() : Map.of("node", Hostnames.local());
    for (Map.Entry<String, String> l : new java.util.TreeMap<>(labels).entrySet()) {
      args.addAll(List.of("--label", l.getKey() + "=" + l.getValue()));
    }
    for (String external : p.externals() == null ? List.<String>of() : p.externals()) {
      args.addAll(List.of("--external", external));
    }
    args.addAll(List.of("--bind", "127.0.0.1", "--port", ports.get("rpc").toString()));
    return args;
  }

  private void prepareMountPoint(Path mountPoint) {
    if (MountCleanup.isMounted(mountPoint) && !MountCleanup.clear(mountPoint, false)) {
      throw new StrataException(
          StatusCode.BUSY,
          mountPoint + " is already mounted by another process; unmount it (`fusermount3 -u " + mountPoint + "`) or choose another --mount");
    }
    try {
      Files.createDirectories(mountPoint);
    } catch (java.io.IOException e) {
      throw new StrataException(StatusCode.IO_ERROR, "cannot create the mount point " + mountPoint + ": " + e.getMessage(), e);
    }
  }

  /** Mounted, and a stat of the root goes through the FUSE client and comes back in time. */
  private static boolean mountAnswers(Path mountPoint) {
    if (!MountCleanup.isMounted(mountPoint)) {
      return false;
    }
    CompletableFuture<Boolean> stat =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                Files.getFileStore(mountPoint);
                return Files.readAttributes(mountPoint, java.nio.file.attribute.BasicFileAttributes.class).isDirectory();
              } catch (java.io.IOException e) {
                return false;
              }
            },
            r -> Thread.ofVirtual().name("strata-up-stat").start(r));
    try {
      return stat.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      return false;
    }
  }

  private boolean isLeader(String id) {
    try {
      return zk().metaLeader().map(r -> r.getServerId().equals(id)).orElse(false);
    } catch (Exception e) {
      return false;
    }
  }

  private ClusterZk zk() {
    if (zk == null) {
      zk = new ClusterZk(cluster.zk(), cluster.fs());
    }
    return zk;
  }

  /** Stops, newest first, every process this call launched, the one that failed included. */
  private void stopLaunched() {
    out.println();
    out.flush();
    for (int i = launched.size() - 1; i >= 0; i--) {
      String id = launched.get(i);
      cluster.process(id).flatMap(p -> ProcessProbe.handle(p.pid())).ifPresent(h -> ProcessStopper.stop(h, STOP_GRACE_ON_FAILURE));
      cluster = cluster.update(id, p -> p.withPid(null));
    }
    cluster.write(layout.clusterJson());
  }
}
