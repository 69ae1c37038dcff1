package io.stratafs.fuse.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fusectl filesystem (/sys/fs/fuse/connections/&lt;dev&gt;/abort): the one way to end a FUSE
 * connection whose mount was detached while busy, so its readers get ENODEV. Mounts fusectl at
 * its standard place when nobody has (systemd usually does). Stateless.
 */
final class FuseControl {
  private static final Logger log = LoggerFactory.getLogger(FuseControl.class);
  static final Path CONNECTIONS = Path.of("/sys/fs/fuse/connections");

  private FuseControl() {}

  /** Aborts connection {@code dev}; returns whether the abort was written. */
  static boolean abort(int dev) {
    if (dev < 0) {
      return false;
    }
    Path abort = CONNECTIONS.resolve(Integer.toString(dev)).resolve("abort");
    if (!Files.exists(abort) && Files.isDirectory(CONNECTIONS)
        && MountTable.find(MountTable.read(MountTable.SELF), CONNECTIONS).isEmpty()) {
      if (Syscalls.libc().mount("fusectl", CONNECTIONS.toString(), "fusectl", 0, null) != 0) {
        log.warn("cannot mount fusectl at {}: {}", CONNECTIONS,
            Syscalls.describe(Syscalls.errno()));
      }
    }
    if (!Files.exists(abort)) {
      log.warn("cannot abort FUSE connection {}: {} does not exist", dev, abort);
      return false;
    }
    try {
      Files.writeString(abort, "1", StandardCharsets.US_ASCII);
      return true;
    } catch (IOException e) {
      log.warn("aborting FUSE connection {} through {} failed", dev, abort, e);
      return false;
    }
  }
}
