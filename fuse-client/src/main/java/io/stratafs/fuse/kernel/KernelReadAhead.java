package io.stratafs.fuse.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the kernel's read-ahead window of a FUSE mount. The INIT reply's max_readahead can only
 * lower the window, never raise it above the kernel's 128 KiB default, so the window is raised
 * through the mount's backing device in sysfs ({@code /sys/class/bdi/0:MINOR/read_ahead_kb}, as
 * {@code blockdev --setra} does for disks). Needs root; without it the default stays, and reads
 * are merely slower.
 */
final class KernelReadAhead {
  private static final Logger log = LoggerFactory.getLogger(KernelReadAhead.class);

  private KernelReadAhead() {}

  /** FUSE connections are anonymous devices: major 0, the mount's minor. */
  static Path sysfsFile(int minor) {
    return Path.of("/sys/class/bdi/0:" + minor + "/read_ahead_kb");
  }

  static void set(int minor, int kib) {
    Path file = sysfsFile(minor);
    try {
      Files.writeString(file, Integer.toString(kib));
      log.debug("kernel read-ahead of FUSE device 0:{} set to {} KiB", minor, kib);
    } catch (IOException | SecurityException e) {
      log.warn("could not raise the kernel read-ahead to {} KiB through {} ({}); sequential reads"
          + " will be slower", kib, file, e.toString());
    }
  }
}
