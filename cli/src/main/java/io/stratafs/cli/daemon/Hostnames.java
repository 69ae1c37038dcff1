package io.stratafs.cli.daemon;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** The local host name, used for default daemon ids and the {@code node} failure-domain label. */
public final class Hostnames {
  private Hostnames() {}

  public static String local() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim().toLowerCase(Locale.ROOT);
    }
    try {
      return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
