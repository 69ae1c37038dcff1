package io.stratafs.cli.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stratafs.cli.ClientLogs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
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
    description = "Show each process of the embedded cluster (role, id, pid, alive, ports, log) and the filesystem usage reported by the metadata leader.")
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
    if (!zkAlive) {
      usageError = "ZooKeeper is not running";
    } else {
      try (ClusterZk zk = new ClusterZk(c.zk(), c.fs())) {
        usage = FsUsage.query(zk);
      } catch (Exception e) {
        usageError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      }
    }
    boolean mounted = MountCleanup.isMounted(Path.of(c.mount()));
    if (json) {
      out.println(ClusterFile.JSON.writeValueAsString(toJson(layout, c, mounted, usage, usageError)));
    } else {
      printTable(out, layout, c, mounted, usage, usageError);
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

  private static String ports(Map<String, Integer> ports) {
    return ports.isEmpty() ? "-" : ports.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
  }
}
