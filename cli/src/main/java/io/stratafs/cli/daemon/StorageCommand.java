package io.stratafs.cli.daemon;

import io.stratafs.storage.StorageConfig;
import io.stratafs.storage.StorageDaemon;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

  @Mixin StorageOptions storage;

  @Override
  public Integer call() throws Exception {
    StorageConfig cfg = storage.config(spec, zk);
    StorageDaemon daemon = StorageDaemon.start(cfg);
    Foreground fg = new Foreground("storage " + cfg.storageId(), daemon);
    LOG.info("storage daemon {} of filesystem '{}' serving {} with {}", cfg.storageId(), zk.fsName(), daemon.address(), storage.describe(cfg));
    fg.awaitStopped();
    return 0;
  }
}
