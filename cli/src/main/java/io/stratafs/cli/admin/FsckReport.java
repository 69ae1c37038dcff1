package io.stratafs.cli.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stratafs.protocol.meta.FsckChunk;
import io.stratafs.protocol.meta.FsckReply;
import java.io.PrintWriter;

/**
 * How {@code strata fsck} shows a FsckReply: one JSON object (the reply's fields under their
 * protobuf names, details as an array) or a short table; and its exit code: 0 when nothing is
 * lost, corrupt or under-replicated, 1 otherwise. Stateless.
 */
public final class FsckReport {
  static final ObjectMapper JSON = new ObjectMapper();

  private FsckReport() {}

  public static boolean healthy(FsckReply r) {
    return r.getLost() == 0 && r.getCorrupt() == 0 && r.getUnderReplicated() == 0;
  }

  public static int exitCode(FsckReply r) {
    return healthy(r) ? 0 : 1;
  }

  public static ObjectNode toJson(FsckReply r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("healthy", healthy(r));
    o.put("chunks", r.getChunks());
    o.put("under_replicated", r.getUnderReplicated());
    o.put("over_replicated", r.getOverReplicated());
    o.put("lost", r.getLost());
    o.put("corrupt", r.getCorrupt());
    o.put("repaired", r.getRepaired());
    o.put("pending_uploads", r.getPendingUploads());
    o.put("max_external_lag_ms", r.getMaxExternalLagMs());
    ArrayNode details = o.putArray("details");
    for (FsckChunk c : r.getDetailsList()) {
      ObjectNode d = details.addObject();
      d.put("ino", c.getIno());
      d.put("index", c.getIndex());
      d.put("chunk_id", c.getChunkId());
      d.put("state", c.getState());
      d.put("detail", c.getDetail());
    }
    return o;
  }

  public static void printTable(PrintWriter out, FsckReply r, boolean repair) {
    out.printf("%-18s %d%n", "chunks", r.getChunks());
    out.printf("%-18s %d%n", "under-replicated", r.getUnderReplicated());
    out.printf("%-18s %d%n", "over-replicated", r.getOverReplicated());
    out.printf("%-18s %d%n", "lost", r.getLost());
    out.printf("%-18s %d%n", "corrupt", r.getCorrupt());
    if (repair) {
      out.printf("%-18s %d%n", "repaired", r.getRepaired());
    }
    out.printf("%-18s %d (oldest %s behind)%n", "pending uploads", r.getPendingUploads(), lag(r.getMaxExternalLagMs()));
    if (r.getDetailsCount() > 0) {
      out.println();
      out.printf("%-10s %-6s %-18s %-16s %s%n", "INODE", "INDEX", "CHUNK", "STATE", "DETAIL");
      for (FsckChunk c : r.getDetailsList()) {
        out.printf("%-10d %-6d %016x   %-16s %s%n", c.getIno(), c.getIndex(), c.getChunkId(), c.getState(), c.getDetail());
      }
    }
    out.println();
    out.println(healthy(r) ? "status: healthy" : "status: NOT healthy (lost, corrupt or under-replicated chunks; see above)");
  }

  /** 0 → "0 s", 1500 → "1.5 s". */
  public static String lag(long ms) {
    return ms < 60_000 ? String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0) : (ms / 60_000) + " min " + (ms % 60_000) / 1000 + " s";
  }
}
