package io.stratafs.cli.cluster;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.Properties;

/**
 * {@code <data>/cluster.properties}: choices made by the first {@code up} and kept for every later
 * one. Today only the ZooKeeper port, which every daemon and the mount hold in their connect string.
 */
final class ClusterProperties {
  private static final String ZK_PORT = "zk.port";

  private ClusterProperties() {}

  static OptionalInt zkPort(Path file) {
    if (!Files.exists(file)) {
      return OptionalInt.empty();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new StrataException(StatusCode.IO_ERROR, "cannot read " + file + ": " + e.getMessage(), e);
    }
    String v = p.getProperty(ZK_PORT);
    try {
      return v == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(v.trim()));
    } catch (NumberFormatException e) {
      throw new StrataException(StatusCode.CORRUPT, file + ": " + ZK_PORT + " is not a port number: '" + v + "'");
    }
  }

  static void saveZkPort(Path file, int port) {
    Properties p = new Properties();
    p.setProperty(ZK_PORT, Integer.toString(port));
    try {
      Files.createDirectories(file.getParent());
      try (Writer w = Files.newBufferedWriter(file)) {
        p.store(w, "StrataFS embedded cluster: chosen by the first `strata up`, kept by later ones");
      }
    } catch (IOException e) {
      throw new StrataException(StatusCode.IO_ERROR, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
