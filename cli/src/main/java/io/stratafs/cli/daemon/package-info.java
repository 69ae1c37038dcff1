/**
 * The daemons one runs per host, each in the foreground until SIGTERM: {@code strata zk} (an
 * embedded standalone ZooKeeper), {@code meta}, {@code storage} and {@code mount}. These commands
 * only parse options and call the daemon modules' start methods; the daemons own their threads.
 * A shutdown hook closes each daemon exactly once ({@code Foreground}, thread-safe).
 */
package io.stratafs.cli.daemon;
