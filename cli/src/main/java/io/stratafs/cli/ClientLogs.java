package io.stratafs.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * The short-lived commands (up, down, status) talk to ZooKeeper only to probe it and report what
 * they find in their own words; the ZooKeeper client's reconnect warnings would bury that line.
 */
public final class ClientLogs {
  private ClientLogs() {}

  public static void quietZooKeeperClient() {
    for (String name : new String[] {"org.apache.zookeeper", "org.apache.curator"}) {
      if (LoggerFactory.getLogger(name) instanceof Logger logback) {
        logback.setLevel(Level.OFF);
      }
    }
  }
}
