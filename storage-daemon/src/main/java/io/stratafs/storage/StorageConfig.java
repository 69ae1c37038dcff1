package io.stratafs.storage;

import java.util.List;
import java.util.Map;

/**
 * Everything a storage daemon needs to start.
 *
 * @param storageId this daemon's id, unique in the filesystem; it owns its devices
 * @param devices at least one device; names and paths distinct
 * @param zkConnect ZooKeeper connect string ({@code host:port,...})
 * @param fsName the filesystem name (see {@link io.stratafs.common.ZkPaths})
 * @param bindHost the RPC bind address (e.g. {@code 127.0.0.1})
 * @param port the RPC port, 0 for any free port
 * @param labels placement labels published in ZooKeeper (node, rack, zone)
 */
public record StorageConfig(
    String storageId,
    List<DeviceSpec> devices,
    String zkConnect,
    String fsName,
    String bindHost,
    int port,
    Map<String, String> labels) {
  public StorageConfig {
    if (storageId == null || storageId.isEmpty() || storageId.contains("/")) {
      throw new IllegalArgumentException("storage id must be non-empty and without '/': " + storageId);
    }
    if (devices == null || devices.isEmpty()) {
      throw new IllegalArgumentException("storage " + storageId + " needs at least one device");
    }
    devices = List.copyOf(devices);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }
}
