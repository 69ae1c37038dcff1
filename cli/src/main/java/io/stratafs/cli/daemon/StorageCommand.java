package io.stratafs.cli.daemon;

import io.stratafs.storage.DeviceSpec;
import io.stratafs.storage.StorageConfig;
import io.stratafs.storage.StorageDaemon;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code strata storage}: one storage daemon serving chunks from local devices. */
@Command(
    name = "storage",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Run a storage daemon (chunks on local directories) in the foreground until SIGTERM/Ctrl-C.")
public final class StorageCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(StorageCommand.class);

  @Spec CommandSpec spec;

  @Mixin ZkOptions zk;

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

  @Override
  public Integer call() throws Exception {
    String storageId = id != null ? id : "storage-" + Hostnames.local();
    List<DeviceSpec> specs = new ArrayList<>();
    for (int i = 0; i < devices.size(); i++) {
      try {
        specs.add(DeviceSpec.parse(devices.get(i), "d" + i));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option '--device': " + e.getMessage());
      }
    }
    Map<String, String> effectiveLabels = new LinkedHashMap<>(labels);
    effectiveLabels.putIfAbsent("node", Hostnames.local());
    StorageDaemon daemon =
        StorageDaemon.start(
            new StorageConfig(storageId, specs, zk.zkConnect(), zk.fsName(), bindHost, port, effectiveLabels));
    Foreground fg = new Foreground("storage " + storageId, daemon);
    LOG.info("storage daemon {} of filesystem '{}' serving {} with devices {} labels {}", storageId, zk.fsName(), daemon.address(), devices, effectiveLabels);
    fg.awaitStopped();
    return 0;
  }
}
