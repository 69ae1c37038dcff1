package io.stratafs.cli.daemon;

import io.stratafs.cli.DurationConverter;
import io.stratafs.cli.SizeConverter;
import io.stratafs.storage.DeviceSpec;
import io.stratafs.storage.StorageConfig;
import io.stratafs.storage.external.ExternalTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options of a storage daemon, shared by {@code strata storage} and {@code strata node}. */
public final class StorageOptions {
  @Option(names = "--device", required = true, paramLabel = "MEDIA:DIR", description = "A device: media (nvme, ssd or hdd) and a directory, e.g. nvme:/mnt/nvme0/strata. Repeat for several; they are named d0, d1, ... in order.")
  List<String> devices;

  @Option(names = "--id", paramLabel = "ID", description = "Daemon id, unique in the filesystem and stable across restarts (default: storage-<hostname>).")
  String id;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Failure-domain label (node, rack, zone); repeatable (default: node=<hostname>).")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--bind", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "Address to listen on and advertise in ZooKeeper; use this host's address when clients run elsewhere (default: ${DEFAULT-VALUE}).")
  String bindHost;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "0", description = "RPC port; 0 picks a free one, advertised in ZooKeeper (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--direct-port", paramLabel = "PORT", defaultValue = "0", description = "Port of the direct listener, where each mount thread's own connection is served by a thread of its own (fewer thread hand-offs per synced write or read); 0 picks a free one, -1 turns it off (and its Unix socket for mounts on this machine, direct-*.sock in the first device's directory). Advertised in ZooKeeper; a mount that cannot reach it uses --port (default: ${DEFAULT-VALUE}).")
  int directPort;

  @Option(names = "--external", paramLabel = "NAME=URI", description = "An external target this daemon can upload chunks to and restore them from, by the name policies use: NAME=s3://bucket[/prefix][?endpoint=http://host:port&path-style=true&region=R] (credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, never the URI) or NAME=nas:///absolute/dir. Repeatable. A target that is down does not stop the daemon; its calls fail until it is back.")
  List<String> externals = new ArrayList<>();

  @Option(names = "--scrub-rate", paramLabel = "BYTES/S", defaultValue = "32M", converter = ScrubRate.class, description = "How fast the background scrubber re-reads chunks to verify their checksums, e.g. 32M or 100MiB; 0 turns it off. Corrupt chunks are published for repair (default: ${DEFAULT-VALUE}).")
  long scrubRate;

  @Option(names = "--scrub-interval", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "24h", description = "Time from the start of one scrub pass to the next, e.g. 24h or 30m (default: ${DEFAULT-VALUE}); the first pass runs at start-up.")
  Duration scrubInterval;

  /** A byte rate: 0 (off) or a size as {@link SizeConverter} reads it, optionally ending in /s. */
  public static final class ScrubRate implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      String v = value.trim();
      if (v.toLowerCase(java.util.Locale.ROOT).endsWith("/s")) {
        v = v.substring(0, v.length() - 2);
      }
      return v.equals("0") ? 0L : SizeConverter.parse(v);
    }
  }

  /**
   * The daemon's configuration from these options and {@code zk}; a bad value is a
   * ParameterException of {@code spec}'s command, naming the option.
   */
  StorageConfig config(CommandSpec spec, ZkOptions zk) {
    if (scrubInterval.isZero() || scrubInterval.isNegative()) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '--scrub-interval': must be positive, e.g. 24h or 30m (--scrub-rate 0 turns scrubbing off)");
    }
    String storageId = id();
    List<DeviceSpec> specs = new ArrayList<>();
    for (int i = 0; i < devices.size(); i++) {
      try {
        specs.add(DeviceSpec.parse(devices.get(i), "d" + i));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option '--device': " + e.getMessage());
      }
    }
    List<ExternalTarget> targets = new ArrayList<>();
    for (String e : externals) {
      try {
        targets.add(ExternalTarget.parse(e));
      } catch (IllegalArgumentException ex) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option '--external': " + ex.getMessage());
      }
    }
    if (targets.stream().map(ExternalTarget::name).distinct().count() != targets.size()) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--external': a target name is used twice in " + externals);
    }
    if (directPort < -1 || directPort > 65535) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for option '--direct-port': must be -1 (off), 0 (any free port) or a port up to 65535, got " + directPort);
    }
    Map<String, String> effectiveLabels = new LinkedHashMap<>(labels);
    effectiveLabels.putIfAbsent("node", Hostnames.local());
    return new StorageConfig(
        storageId, specs, zk.zkConnect(), zk.fsName(), bindHost, port, effectiveLabels, targets, scrubRate, scrubInterval, directPort);
  }

  /** The daemon id: --id, else storage-HOSTNAME. */
  String id() {
    return id != null ? id : "storage-" + Hostnames.local();
  }

  /** How the daemon's start is logged: devices, labels, external targets, scrub rate. */
  String describe(StorageConfig cfg) {
    return "devices " + devices + " labels " + cfg.labels() + " external targets " + cfg.externals() + " scrub rate "
        + (scrubRate == 0 ? "off" : SizeConverter.format(scrubRate) + "/s");
  }
}
