package io.stratafs.cli.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One process of the embedded cluster as written in cluster.json. {@code pid} is null while the
 * process is stopped; {@code devices} is set for storage daemons, {@code leader} for metadata
 * servers.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterProcess(
    String role,
    String id,
    Long pid,
    Map<String, Integer> ports,
    String log,
    List<String> devices,
    Boolean leader) {

  public ClusterProcess {
    ports = ports == null ? Map.of() : Map.copyOf(ports);
    devices = devices == null ? null : List.copyOf(devices);
  }

  public Role roleEnum() {
    return Role.of(role);
  }

  public ClusterProcess withPid(Long newPid) {
    return new ClusterProcess(role, id, newPid, ports, log, devices, leader);
  }

  public ClusterProcess withPorts(Map<String, Integer> newPorts) {
    return new ClusterProcess(role, id, pid, newPorts, log, devices, leader);
  }

  public ClusterProcess withLeader(Boolean newLeader) {
    return new ClusterProcess(role, id, pid, ports, log, devices, newLeader);
  }
}
