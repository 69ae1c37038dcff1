package io.stratafs.cli.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strata zk}: a standalone ZooKeeper server embedded in this process, for the single-machine
 * cluster and for trying StrataFS out. Production deployments run a real ZooKeeper ensemble.
 */
@Command(
    name = "zk",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run a standalone ZooKeeper server in the foreground until SIGTERM/Ctrl-C.",
      "For several hosts, run a real ZooKeeper ensemble (3 or 5 servers) instead.",
    })
public final class ZkCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ZkCommand.class);

  private static final long START_TIMEOUT_MILLIS = 60_000;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Directory for snapshots and the transaction log (created if missing).")
  Path dataDir;

  @Option(names = "--port", required = true, paramLabel = "PORT", description = "Client port.")
  int port;

  @Option(names = "--bind", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bindHost;

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir.toAbsolutePath();
    Files.createDirectories(dir);
    ZooKeeperServerEmbedded zk =
        ZooKeeperServerEmbedded.builder()
            .baseDir(dir)
            .configuration(properties(dir, bindHost, port))
            // A server that cannot start (port taken, bad data dir) must end the process so
            // that `strata up` sees it die and names this log, instead of waiting it out.
            .exitHandler(ExitHandler.EXIT)
            .build();
    Foreground fg = new Foreground("zk", zk);
    zk.start(START_TIMEOUT_MILLIS);
    LOG.info("ZooKeeper serving {}:{} with data in {}", bindHost, port, dir);
    fg.awaitStopped();
    return 0;
  }

  /** Standalone server, no admin HTTP server, four-letter-word commands off. */
  static Properties properties(Path dir, String bindHost, int port) {
    Properties p = new Properties();
    p.setProperty("dataDir", dir.resolve("data").toString());
    p.setProperty("clientPort", Integer.toString(port));
    p.setProperty("clientPortAddress", bindHost);
    p.setProperty("tickTime", "2000");
    p.setProperty("initLimit", "10");
    p.setProperty("syncLimit", "5");
    p.setProperty("admin.enableServer", "false");
    p.setProperty("4lw.commands.whitelist", "");
    p.setProperty("autopurge.snapRetainCount", "3");
    p.setProperty("autopurge.purgeInterval", "1");
    return p;
  }
}
