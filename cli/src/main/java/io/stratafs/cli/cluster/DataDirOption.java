package io.stratafs.cli.cluster;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --data DIR} of up/down/status. Default: {@code $STRATA_DATA}, else {@code ~/.strata}.
 */
public final class DataDirOption {
  public static final String ENV = "STRATA_DATA";

  @Option(names = "--data", paramLabel = "DIR", description = "Data directory of the embedded cluster (default: $STRATA_DATA, else ~/.strata).")
  Path dataDir;

  public Path resolve() {
    if (dataDir != null) {
      return dataDir.toAbsolutePath().normalize();
    }
    return defaultDataDir(System.getenv(ENV), System.getProperty("user.home"));
  }

  static Path defaultDataDir(String env, String home) {
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath().normalize();
    }
    return Path.of(home, ".strata").toAbsolutePath().normalize();
  }
}
