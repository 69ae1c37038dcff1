package io.stratafs.cli.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One process of the embedded cluster as written in cluster.json. {@code pid} is null while the
 * process is stopped; {@code devices}, {@code labels} (failure domains: node=node-I) and {@code
 * externals} (NAME=URI) are set for storage daemons and reused when one is restarted, {@code
 * leader} for metadata servers.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterProcess(
    String role,
    String id,
    Long pid,
    Map<String, Integer> ports,
    String log,
    List<String> devices,
    Boolean leader,
    Map<String, String> labels,
    List<String> externals) {

  /** The order processes start in, by role (see {@link Role}); they stop in its reverse. */
  public static final Comparator<ClusterProcess> START_ORDER = Comparator.comparing(ClusterProcess::roleEnum);

  public ClusterProcess {
    ports = ports == null ? Map.of() : Map.copyOf(ports);
    devices = devices == null ? null : List.copyOf(devices);
    labels = labels == null ? null : Map.copyOf(labels);
    externals = externals == null ? null : List.copyOf(externals);
  }

  /** A process without labels or external targets (not a storage daemon, or an older cluster.json). */
  public ClusterProcess(String role, String id, Long pid, Map<String, Integer> ports, String log, List<String> devices, Boolean leader) {
    this(role, id, pid, ports, log, devices, leader, null, null);
  }

  public Role roleEnum() {
    return Role.of(role);
  }

  public ClusterProcess withPid(Long newPid) {
    return new ClusterProcess(role, id, newPid, ports, log, devices, leader, labels, externals);
  }

  public ClusterProcess withPorts(Map<String, Integer> newPorts) {
    return new ClusterProcess(role, id, pid, newPorts, log, devices, leader, labels, externals);
  }

  public ClusterProcess withLeader(Boolean newLeader) {
    return new ClusterProcess(role, id, pid, ports, log, devices, newLeader, labels, externals);
  }
}
