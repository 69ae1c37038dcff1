package io.stratafs.cli.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stratafs.cli.ClientLogs;
import io.stratafs.cli.DurationConverter;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.ChunksReply;
import io.stratafs.protocol.meta.ExternalCopy;
import io.stratafs.protocol.meta.FsInfo;
import io.stratafs.protocol.meta.GetChunksRequest;
import io.stratafs.protocol.meta.GetFsInfoRequest;
import io.stratafs.protocol.meta.GetPolicyRequest;
import io.stratafs.protocol.meta.PolicyReply;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.rpc.Methods;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strata locate PATH}: where a file's chunks are — each chunk's version, its local replicas
 * in chain order (daemon, device, media, node) and its external copies (target, generation, whether
 * current). What an operator checks after a policy change, a daemon loss or a repair.
 */
@Command(
    name = "locate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Show where the chunks of a file on a mounted StrataFS are kept: local replicas and external copies.")
public final class LocateCommand implements Callable<Integer> {
  /** Chunks asked for per call (the server's limit). */
  private static final int PAGE = 4096;

  @Spec CommandSpec spec;

  @Mixin ClusterTarget target;

  @Parameters(index = "0", paramLabel = "PATH", description = "A regular file under a StrataFS mount point.")
  String path;

  @Option(names = "--json", description = "Print one JSON object: path, ino, policy, size, chunks[] (index, chunk_id, version, replicas[], externals[]).")
  boolean json;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "10s", description = "How long to wait for the metadata server (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    ClientLogs.quietZooKeeperClient();
    StrataPath p = StrataPath.resolve(path);
    ObjectNode o = FsckReport.JSON.createObjectNode();
    o.put("path", p.path().toString());
    o.put("ino", p.ino());
    ArrayNode chunks = o.putArray("chunks");
    try (MetaAdmin meta = new MetaAdmin(target.resolve(), timeout)) {
      PolicyReply policy =
          meta.call(
              Methods.META_GET_POLICY,
              GetPolicyRequest.newBuilder().setCaller(StrataPath.caller()).setIno(p.ino()).build(),
              PolicyReply.parser());
      o.put("policy", policy.getPolicy());
      long chunkSize =
          meta.call(Methods.META_GET_FS_INFO, GetFsInfoRequest.getDefaultInstance(), FsInfo.parser()).getChunkSize();
      // Pages of [first, first + PAGE) until past the last chunk the size can reach (holes are absent).
      for (long first = 0; ; first += PAGE) {
        ChunksReply page =
            meta.call(
                Methods.META_GET_CHUNKS,
                GetChunksRequest.newBuilder().setCaller(StrataPath.caller()).setIno(p.ino()).setFirstIndex(first).setCount(PAGE).build(),
                ChunksReply.parser());
        o.put("size", page.getFileSize());
        page.getChunksList().forEach(c -> chunks.add(toJson(c)));
        long lastIndex = chunkSize == 0 ? 0 : Math.max(0, page.getFileSize() - 1) / chunkSize;
        if (first + PAGE > lastIndex) {
          break;
        }
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(FsckReport.JSON.writeValueAsString(o));
    } else {
      printTable(out, o);
    }
    out.flush();
    return 0;
  }

  private static ObjectNode toJson(ChunkInfo c) {
    ObjectNode n = FsckReport.JSON.createObjectNode();
    n.put("index", c.getIndex());
    n.put("chunk_id", c.getChunkId());
    n.put("version", c.getVersion());
    ArrayNode replicas = n.putArray("replicas");
    for (Replica r : c.getReplicasList()) {
      ObjectNode x = replicas.addObject();
      x.put("storage_id", r.getStorageId());
      x.put("address", r.getAddress());
      x.put("device", r.getDevice());
      x.put("media", r.getMedia());
      x.put("node", r.getNode());
    }
    ArrayNode externals = n.putArray("externals");
    for (ExternalCopy e : c.getExternalsList()) {
      ObjectNode x = externals.addObject();
      x.put("target", e.getTarget());
      x.put("media", e.getMedia());
      x.put("sync", e.getSync());
      x.put("generation", e.getGeneration());
      x.put("length", e.getLength());
      x.put("current", e.getGeneration() > 0 && e.getUploadedSeq() == c.getDirtySeq());
    }
    return n;
  }

  private static void printTable(PrintWriter out, ObjectNode o) {
    out.printf("%s: inode %d, policy %s, %d bytes%n", o.get("path").asText(), o.get("ino").asLong(), o.get("policy").asText(), o.path("size").asLong());
    out.printf("%6s %18s %8s  %-40s %s%n", "chunk", "id", "version", "local replicas (chain order)", "external copies");
    for (var c : o.get("chunks")) {
      StringBuilder locals = new StringBuilder();
      for (var r : c.get("replicas")) {
        locals.append(locals.isEmpty() ? "" : ", ").append(r.get("storage_id").asText()).append('/').append(r.get("device").asText())
            .append(" (").append(r.get("media").asText()).append(", ").append(r.get("node").asText()).append(')');
      }
      StringBuilder ext = new StringBuilder();
      for (var e : c.get("externals")) {
        ext.append(ext.isEmpty() ? "" : ", ").append(e.get("target").asText()).append(" gen ").append(e.get("generation").asLong())
            .append(e.get("current").asBoolean() ? " (current)" : " (behind)");
      }
      out.printf("%6d %18x %8d  %-40s %s%n", c.get("index").asLong(), c.get("chunk_id").asLong(), c.get("version").asLong(),
          locals.isEmpty() ? "-" : locals, ext.isEmpty() ? "-" : ext);
    }
  }
}
