package io.stratafs.cli.cluster;

import io.stratafs.fuse.kernel.FuseMount;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears a mount point whose FUSE client is gone (a crashed or killed {@code strata mount} leaves
 * it answering "Transport endpoint is not connected"). The FUSE client's own clearStale first;
 * a lazy unmount by the system tools as the fallback.
 */
final class MountCleanup {
  private static final Logger LOG = LoggerFactory.getLogger(MountCleanup.class);

  private MountCleanup() {}

  static boolean isMounted(Path mountPoint) {
    try {
      return FuseMount.isMounted(mountPoint);
    } catch (RuntimeException e) {
      LOG.debug("cannot tell whether {} is mounted", mountPoint, e);
      return false;
    }
  }

  /**
   * Clears a stale mount; a live one (another client still serving it) is left alone unless
   * {@code evenIfLive}, which {@code down} uses once our own client is gone. Returns whether the
   * mount point is free afterwards.
   */
  static boolean clear(Path mountPoint, boolean evenIfLive) {
    try {
      FuseMount.clearStale(mountPoint);
    } catch (RuntimeException e) {
      LOG.debug("FuseMount.clearStale({}) failed; trying umount -l", mountPoint, e);
    }
    if (!isMounted(mountPoint)) {
      return true;
    }
    if (!evenIfLive) {
      return false;
    }
    for (String[] cmd : new String[][] {{"fusermount3", "-uz", mountPoint.toString()}, {"umount", "-l", mountPoint.toString()}}) {
      if (run(cmd) && !isMounted(mountPoint)) {
        return true;
      }
    }
    return !isMounted(mountPoint);
  }

  private static boolean run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
