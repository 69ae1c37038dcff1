package io.stratafs.cli.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stratafs.cli.daemon.ReplicationSettings;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The content of {@code <data>/cluster.json}: the filesystem name, the ZooKeeper connect string,
 * the mount point, the chunk size the metadata server is started with, every process, the
 * external targets every storage daemon reaches and the metadata server's replication settings
 * (absent in files written before issue 4). Written atomically (temp file + rename) so a crash never
 * leaves half a file that the next up or down cannot read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterFile(
    String fs,
    String zk,
    String mount,
    String chunkSize,
    List<ClusterProcess> processes,
    List<ExternalTarget> externals,
    ReplicationSettings replication) {
  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public ClusterFile {
    processes = List.copyOf(processes);
    externals = externals == null ? null : List.copyOf(externals);
  }

  /** A cluster without external targets or replication settings (as written before issue 4). */
  public ClusterFile(String fs, String zk, String mount, String chunkSize, List<ClusterProcess> processes) {
    this(fs, zk, mount, chunkSize, processes, null, null);
  }

  /** The external targets; none for a cluster.json written before they existed. */
  public List<ExternalTarget> externalsOrNone() {
    return externals == null ? List.of() : externals;
  }

  public static Optional<ClusterFile> readIfExists(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), ClusterFile.class));
    } catch (IOException e) {
      throw new StrataException(
          StatusCode.CORRUPT,
          "cannot read " + file + " (" + e.getMessage().lines().findFirst().orElse("") + "); stop any strata processes by hand and move the file away");
    }
  }

  public void write(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writeValue(tmp.toFile(), this);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new StrataException(StatusCode.IO_ERROR, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A copy with the process of the same id replaced by {@code update(process)}. */
  public ClusterFile update(String id, UnaryOperator<ClusterProcess> update) {
    List<ClusterProcess> copy = new ArrayList<>(processes.size());
    for (ClusterProcess p : processes) {
      copy.add(p.id().equals(id) ? update.apply(p) : p);
    }
    return new ClusterFile(fs, zk, mount, chunkSize, copy, externals, replication);
  }

  public Optional<ClusterProcess> process(String id) {
    return processes.stream().filter(p -> p.id().equals(id)).findFirst();
  }
}
