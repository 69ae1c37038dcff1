package io.stratafs.cli.daemon;

import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code strata mount}: the FUSE client in the foreground. A stale mount left by a crashed client
 * is cleared first; SIGTERM/Ctrl-C unmounts cleanly; an unmount from outside ({@code umount},
 * {@code fusermount3 -u}) ends the process.
 */
@Command(
    name = "mount",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Mount a StrataFS filesystem and serve it until unmounted or SIGTERM/Ctrl-C.",
      "Needs /dev/fuse; as a non-root user also fusermount3 (package fuse3).",
    })
public final class MountCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(MountCommand.class);

  @Spec CommandSpec spec;

  @Mixin ZkOptions zk;

  @Mixin MountOptions mount;

  @Override
  public Integer call() throws Exception {
    MountOptions.Mounted mounted = mount.mount(spec, zk);
    Foreground fg = new Foreground("mount " + mounted.mountPoint(), mounted);
    LOG.info("filesystem '{}' mounted on {} ({})", zk.fsName(), mounted.mountPoint(), mount.describe());
    mounted.mount().awaitUnmounted();
    LOG.info("{} was unmounted", mounted.mountPoint());
    fg.stop();
    return 0;
  }
}
