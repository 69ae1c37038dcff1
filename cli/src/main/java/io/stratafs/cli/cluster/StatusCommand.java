package io.stratafs.cli.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stratafs.cli.ClientLogs;
import io.stratafs.cli.admin.ClusterTarget;
import io.stratafs.cli.admin.FsckReport;
import io.stratafs.cli.admin.MetaAdmin;
import io.stratafs.protocol.meta.FsckReply;
import io.stratafs.protocol.meta.FsckRequest;
import io.stratafs.protocol.rpc.Methods;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strata status}: the processes of the embedded cluster and the filesystem's usage. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Show each process of the embedded cluster (role, id, pid, alive, ports, log), the filesystem usage reported by the metadata leader, the external targets and the replication lag (chunks behind on external targets and the oldest one's age, from a fsck count without repair).")
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataDirOption data;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    ClientLogs.quietZooKeeperClient();
    PrintWriter out = spec.commandLine().getOut();
    ClusterLayout layout = new ClusterLayout(data.resolve());
    Optional<ClusterFile> existing = ClusterFile.readIfExists(layout.clusterJson());
    if (existing.isEmpty()) {
      if (json) {
        ObjectNode o = ClusterFile.JSON.createObjectNode();
        o.put("dataDir", layout.dataDir().toString());
        o.put("running", false);
        out.println(ClusterFile.JSON.writeValueAsString(o));
      } else {
        out.println("StrataFS is not running: no cluster in " + layout.dataDir() + " (start one with `strata up`)");
      }
      out.flush();
      return 0;
    }
    ClusterFile c = existing.get();
    boolean zkAlive = c.processes().stream().anyMatch(p -> p.roleEnum() == Role.ZK && ProcessProbe.isStrataProcess(p.pid()));
    FsUsage usage = null;
    String usageError = null;
    FsckReply replication = null;
    String replicationError = null;
    if (!zkAlive) {
      usageError = "ZooKeeper is not running";
      replicationError = usageError;
    } else {
      try (ClusterZk zk = new ClusterZk(c.zk(), c.fs())) {
        usage = FsUsage.query(zk);
      } catch (Exception e) {
        usageError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      }
      // Replication lag and health: a count without repair and without details.
      try (MetaAdmin meta = new MetaAdmin(new ClusterTarget.Resolved(c.zk(), c.fs()), Duration.ofSeconds(5))) {
        replication = meta.call(Methods.META_FSCK, FsckRequest.newBuilder().setRepair(false).setMaxDetails(0).build(), FsckReply.parser());
      } catch (Exception e) {
        replicationError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      }
    }
    boolean mounted = MountCleanup.isMounted(Path.of(c.mount()));
    if (json) {
      ObjectNode o = toJson(layout, c, mounted, usage, usageError);
      addReplication(o, c, replication, replicationError);
      out.println(ClusterFile.JSON.writeValueAsString(o));
    } else {
      printTable(out, layout, c, mounted, usage, usageError);
      printReplication(out, c, replication, replicationError);
    }
    out.flush();
    return 0;
  }

  private static ObjectNode toJson(ClusterLayout layout, ClusterFile c, boolean mounted, FsUsage usage, String usageError) {
    ObjectNode o = ClusterFile.JSON.createObjectNode();
    o.put("dataDir", layout.dataDir().toString());
    o.put("running", c.processes().stream().anyMatch(p -> ProcessProbe.isStrataProcess(p.pid())));
    o.put("fs", c.fs());
    o.put("zk", c.zk());
    o.put("mount", c.mount());
    o.put("mounted", mounted);
    ArrayNode processes = o.putArray("processes");
    for (ClusterProcess p : c.processes()) {
      ObjectNode n = ClusterFile.JSON.valueToTree(p);
      n.put("alive", ProcessProbe.isStrataProcess(p.pid()));
      processes.add(n);
    }
    if (usage != null) {
      ObjectNode u = o.putObject("usage");
      u.put("totalBytes", usage.totalBytes());
      u.put("usedBytes", usage.usedBytes());
      u.put("freeBytes", usage.freeBytes());
      u.put("availBytes", usage.availBytes());
    } else {
      o.putNull("usage");
      o.put("usageError", "unreachable: " + usageError);
    }
    return o;
  }

  private static void printTable(PrintWriter out, ClusterLayout layout, ClusterFile c, boolean mounted, FsUsage usage, String usageError) {
    out.println("filesystem '" + c.fs() + "' at " + c.mount() + (mounted ? " (mounted)" : " (not mounted)") + ", ZooKeeper " + c.zk());
    out.printf("%-8s %-11s %-8s %-6s %-14s %s%n", "ROLE", "ID", "PID", "ALIVE", "PORTS", "LOG");
    for (ClusterProcess p : c.processes()) {
      boolean alive = ProcessProbe.isStrataProcess(p.pid());
      out.printf("%-8s %-11s %-8s %-6s %-14s %s%n", p.role(), p.id(), p.pid() == null ? "-" : p.pid(), alive ? "yes" : "no", ports(p.ports()), p.log());
    }
    if (usage != null) {
      out.println("usage: " + FsUsage.human(usage.usedBytes()) + " used of " + FsUsage.human(usage.totalBytes()) + ", " + FsUsage.human(usage.freeBytes()) + " free");
    } else {
      out.println("usage: unreachable (" + usageError + ")");
    }
    out.println("data: " + layout.dataDir());
  }

  static void addReplication(ObjectNode o, ClusterFile c, FsckReply r, String error) {
    ArrayNode externals = o.putArray("externals");
    for (ExternalTarget t : c.externalsOrNone()) {
      externals.addObject().put("name", t.name()).put("uri", t.uri());
    }
    if (r != null) {
      ObjectNode n = o.putObject("replication");
      n.put("pending_uploads", r.getPendingUploads());
      n.put("max_external_lag_ms", r.getMaxExternalLagMs());
      n.put("chunks", r.getChunks());
      n.put("under_replicated", r.getUnderReplicated());
      n.put("lost", r.getLost());
      n.put("corrupt", r.getCorrupt());
    } else {
      o.putNull("replication");
      o.put("replicationError", "unreachable: " + error);
    }
  }

  static void printReplication(PrintWriter out, ClusterFile c, FsckReply r, String error) {
    for (ExternalTarget t : c.externalsOrNone()) {
      out.println("external " + t.name() + ": " + t.uri());
    }
    if (r == null) {
      out.println("replication: unreachable (" + error + ")");
      return;
    }
    out.println(
        "replication: " + r.getPendingUploads() + " chunks behind on external targets (oldest " + FsckReport.lag(r.getMaxExternalLagMs()) + "); "
            + r.getUnderReplicated() + " under-replicated, " + r.getLost() + " lost, " + r.getCorrupt() + " corrupt of " + r.getChunks() + " chunks"
            + (FsckReport.healthy(r) ? "" : " (details: strata fsck)"));
  }

  private static String ports(Map<String, Integer> ports) {
    return ports.isEmpty() ? "-" : ports.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
  }
}
