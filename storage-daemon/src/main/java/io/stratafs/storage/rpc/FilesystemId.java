package io.stratafs.storage.rpc;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Names the local filesystem a device directory lives on: this machine's id plus the directory's
 * st_dev. Several devices (or several daemons, as in {@code strata up}) on one disk then report the
 * same id, and the metadata server counts that disk's capacity once instead of once per device.
 */
final class FilesystemId {
  private static final String MACHINE = machine();

  private FilesystemId() {}

  static String of(Path dir) {
    try {
      return MACHINE + ":" + Files.getAttribute(dir, "unix:dev");
    } catch (IOException | UnsupportedOperationException e) {
      return ""; // unknown: counted on its own
    }
  }

  private static String machine() {
    try {
      String id = Files.readString(Path.of("/etc/machine-id")).trim();
      if (!id.isEmpty()) {
        return id;
      }
    } catch (IOException e) {
      // fall back to the host name
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
