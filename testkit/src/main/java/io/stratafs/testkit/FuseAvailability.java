package io.stratafs.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether this machine can run real-mount tests: root with a usable /dev/fuse. */
public final class FuseAvailability {
  private FuseAvailability() {}

  public static boolean canMount() {
    Path dev = Path.of("/dev/fuse");
    return "root".equals(System.getProperty("user.name"))
        && Files.isReadable(dev)
        && Files.isWritable(dev);
  }

  /** Why mount tests are skipped, for the assumption message. */
  public static String reason() {
    return "real FUSE mounts need root and a read/writable /dev/fuse (user="
        + System.getProperty("user.name") + ")";
  }
}
