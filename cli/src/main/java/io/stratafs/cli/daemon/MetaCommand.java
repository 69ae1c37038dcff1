package io.stratafs.cli.daemon;

import io.stratafs.cli.SizeConverter;
import io.stratafs.meta.MetaServerConfig;
import io.stratafs.meta.replication.ReplicationConfig;
import io.stratafs.meta.MetadataServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code strata meta}: one metadata server in the foreground until SIGTERM/Ctrl-C. */
@Command(
    name = "meta",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run a metadata server (namespace in RocksDB) in the foreground until SIGTERM/Ctrl-C.",
      "The servers of one filesystem elect their leader through ZooKeeper.",
    })
public final class MetaCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(MetaCommand.class);

  @Spec CommandSpec spec;

  @Mixin ZkOptions zk;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Directory of the RocksDB metadata store (created if missing).")
  Path dataDir;

  @Option(names = "--id", paramLabel = "ID", description = "Server id, unique in the filesystem (default: meta-<hostname>).")
  String id;

  @Option(names = "--bind", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "Address to listen on and advertise in ZooKeeper; use this host's address when clients run elsewhere (default: ${DEFAULT-VALUE}).")
  String bindHost;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "0", description = "RPC port; 0 picks a free one, advertised in ZooKeeper (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--chunk-size", paramLabel = "SIZE", converter = SizeConverter.class, defaultValue = "64M", description = "Chunk size of new files, e.g. 64M or 1G (default: ${DEFAULT-VALUE}).")
  long chunkSizeBytes;

  @Option(names = "--heal-grace", paramLabel = "DURATION", description = "How long a storage daemon may be unregistered before its replicas are re-created elsewhere, e.g. 30s (default: the server's, 30s).")
  String healGrace;

  @Option(names = "--upload-delay", paramLabel = "DURATION", description = "How long a written chunk waits before its external copy is uploaded, so a burst of writes uploads once, e.g. 2s (default: the server's, 2s).")
  String uploadDelay;

  @Option(names = "--policy", paramLabel = "NAME=DEF", description = "An extra storage policy besides the built-in ones, e.g. fast3=3xnvme; repeatable. `strata policy list` shows them all.")
  List<String> policies = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    ReplicationSettings replication;
    try {
      replication = ReplicationSettings.of(healGrace, uploadDelay, policies);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    String serverId = id != null ? id : "meta-" + Hostnames.local();
    Path dir = dataDir.toAbsolutePath();
    Files.createDirectories(dir);
    MetadataServer server =
        MetadataServer.start(
            withReplication(new MetaServerConfig(serverId, dir, zk.zkConnect(), zk.fsName(), bindHost, port, chunkSizeBytes), replication));
    Foreground fg = new Foreground("meta " + serverId, server);
    LOG.info("metadata server {} of filesystem '{}' serving {} (leader: {})", serverId, zk.fsName(), server.address(), server.isLeader());
    fg.awaitStopped();
    return 0;
  }

  /** Where --heal-grace, --upload-delay and --policy reach the metadata server; -1 = its default. */
  static MetaServerConfig withReplication(MetaServerConfig base, ReplicationSettings r) {
    ReplicationConfig c = ReplicationConfig.DEFAULTS.withPolicies(r.policies());
    if (r.healGraceMillis() != -1) {
      c = c.withMissingGraceMs(r.healGraceMillis());
    }
    if (r.uploadDelayMillis() != -1) {
      c = c.withUploadDelayMs(r.uploadDelayMillis());
    }
    return base.withReplication(c);
  }
}
