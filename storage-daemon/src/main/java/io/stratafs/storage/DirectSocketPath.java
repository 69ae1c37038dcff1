package io.stratafs.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a storage daemon's direct listener takes its Unix domain socket (ADR 033): in its first
 * device's directory, which it owns alone, as {@code direct-<16 random hex digits>.sock}. The
 * random part, published in the daemon's registration, is what keeps a mount on another machine
 * from connecting to a socket of the same path there. Sockets an earlier run left behind (a
 * killed daemon does not remove its own) are deleted first.
 */
final class DirectSocketPath {
  private static final Logger LOG = LoggerFactory.getLogger(DirectSocketPath.class);
  /** sun_path holds 108 bytes with the terminating NUL; stay clear of it. */
  static final int MAX_PATH_BYTES = 100;
  private static final String PREFIX = "direct-";
  private static final String SUFFIX = ".sock";

  private DirectSocketPath() {}

  /** A fresh socket path in {@code deviceDir}, or null when it would be too long for a Unix socket. */
  static Path choose(Path deviceDir) {
    removeStale(deviceDir);
    byte[] random = new byte[8];
    new SecureRandom().nextBytes(random);
    Path path = deviceDir.toAbsolutePath().resolve(PREFIX + HexFormat.of().formatHex(random) + SUFFIX);
    if (path.toString().getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      LOG.info(
          "no Unix socket for local mounts: {} is over {} bytes; they use the direct TCP listener", path,
          MAX_PATH_BYTES);
      return null;
    }
    return path;
  }

  private static void removeStale(Path deviceDir) {
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(deviceDir, PREFIX + "*" + SUFFIX)) {
      for (Path p : stale) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("could not remove old direct sockets in {}: {}", deviceDir, e.toString());
    }
  }
}
