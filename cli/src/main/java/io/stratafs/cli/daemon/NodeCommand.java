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

/**
 * {@code strata node}: a storage daemon and a FUSE mount in one process (ADR 034). The mount's
 * calls to this daemon are method calls on the FUSE worker's own thread, not round trips through a
 * socket to another process; everything else (other daemons, other mounts, the metadata server)
 * reaches the daemon as before. Both stop together: SIGTERM/Ctrl-C unmounts, then stops the
 * daemon; an unmount from outside ends the process the same way.
 */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run a storage daemon and mount the filesystem in one process, until unmounted or SIGTERM/Ctrl-C.",
      "The mount calls this daemon without a socket (a synced write costs two thread wake-ups fewer); "
          + "other daemons and other hosts' mounts reach it over the network as they would `strata storage`.",
      "Takes the options of `strata storage` and of `strata mount`. Needs /dev/fuse.",
    })
public final class NodeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(NodeCommand.class);

  @Spec CommandSpec spec;

  @Mixin ZkOptions zk;

  @Mixin StorageOptions storage;

  @Mixin MountOptions mount;

  @Override
  public Integer call() throws Exception {
    StorageConfig cfg = storage.config(spec, zk);
    mount.validate(spec, zk); // a bad mount option must not start the daemon first
    StorageDaemon daemon = StorageDaemon.start(cfg);
    MountOptions.Mounted mounted;
    try {
      daemon.serveInProcess(); // before the mount starts, so its first look at the daemons finds it
      mounted = mount.mount(spec, zk);
    } catch (Exception | Error e) {
      daemon.close();
      throw e;
    }
    // Unmount first: the mount's last flushes still go to this daemon.
    Foreground fg =
        new Foreground(
            "node " + cfg.storageId() + " on " + mounted.mountPoint(),
            () -> {
              try {
                mounted.close();
              } finally {
                daemon.close();
              }
            });
    LOG.info(
        "node: storage daemon {} of filesystem '{}' serving {} with {}; mounted on {} ({})",
        cfg.storageId(), zk.fsName(), daemon.address(), storage.describe(cfg), mounted.mountPoint(), mount.describe());
    mounted.mount().awaitUnmounted();
    LOG.info("{} was unmounted; stopping storage daemon {}", mounted.mountPoint(), cfg.storageId());
    fg.stop();
    return 0;
  }
}
