package io.stratafs.storage;

import io.stratafs.storage.chunk.Scrubber;
import io.stratafs.storage.external.ExternalTarget;
import java.time.Duration;
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
 * @param externals external targets this daemon reaches ({@code --external NAME=URI}); names distinct
 * @param scrubBytesPerSecond how fast the scrubber re-verifies chunks; 0 turns it off
 * @param scrubInterval how often a scrub pass starts (a pass longer than this is followed by the
 *     next after a short pause)
 * @param directPort the port of the direct listener (connections served by a thread each, for
 *     the mounts' per-thread connections; ADR 024), 0 for any free port, -1 for none
 */
public record StorageConfig(
    String storageId,
    List<DeviceSpec> devices,
    String zkConnect,
    String fsName,
    String bindHost,
    int port,
    Map<String, String> labels,
    List<ExternalTarget> externals,
    long scrubBytesPerSecond,
    Duration scrubInterval,
    int directPort) {
  /** A direct listener on any free port. */
  public StorageConfig(
      String storageId,
      List<DeviceSpec> devices,
      String zkConnect,
      String fsName,
      String bindHost,
      int port,
      Map<String, String> labels,
      List<ExternalTarget> externals,
      long scrubBytesPerSecond,
      Duration scrubInterval) {
    this(storageId, devices, zkConnect, fsName, bindHost, port, labels, externals, scrubBytesPerSecond, scrubInterval, 0);
  }

  /** A daemon without external targets, scrubbing at the {@link Scrubber} defaults. */
  public StorageConfig(
      String storageId,
      List<DeviceSpec> devices,
      String zkConnect,
      String fsName,
      String bindHost,
      int port,
      Map<String, String> labels) {
    this(storageId, devices, zkConnect, fsName, bindHost, port, labels, List.of(), Scrubber.DEFAULT_BYTES_PER_SECOND,
        Scrubber.DEFAULT_INTERVAL);
  }

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
    if (directPort < -1 || directPort > 65535) {
      throw new IllegalArgumentException("direct port out of range (0 = any free port, -1 = none): " + directPort);
    }
    externals = externals == null ? List.of() : List.copyOf(externals);
    if (externals.stream().map(ExternalTarget::name).distinct().count() != externals.size()) {
      throw new IllegalArgumentException("external target names must be distinct: " + externals);
    }
    if (scrubBytesPerSecond < 0) {
      throw new IllegalArgumentException("scrub rate must be >= 0 bytes/s (0 = off): " + scrubBytesPerSecond);
    }
    if (scrubInterval == null || scrubInterval.isNegative() || scrubInterval.isZero()) {
      throw new IllegalArgumentException("scrub interval must be positive, e.g. 24h: " + scrubInterval);
    }
  }

  public StorageConfig withExternals(List<ExternalTarget> targets) {
    return new StorageConfig(storageId, devices, zkConnect, fsName, bindHost, port, labels, targets, scrubBytesPerSecond, scrubInterval, directPort);
  }

  public StorageConfig withScrubInterval(Duration interval) {
    return new StorageConfig(storageId, devices, zkConnect, fsName, bindHost, port, labels, externals, scrubBytesPerSecond, interval, directPort);
  }

  public StorageConfig withScrubRate(long bytesPerSecond) {
    return new StorageConfig(storageId, devices, zkConnect, fsName, bindHost, port, labels, externals, bytesPerSecond, scrubInterval, directPort);
  }

  public StorageConfig withDirectPort(int port) {
    return new StorageConfig(storageId, devices, zkConnect, fsName, bindHost, this.port, labels, externals, scrubBytesPerSecond, scrubInterval, port);
  }
}
