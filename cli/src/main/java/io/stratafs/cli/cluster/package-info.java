/**
 * The embedded single-machine cluster: {@code strata up}, {@code down} and {@code status}. Each
 * daemon runs as its own OS process (same java and classpath, detached, log in
 * {@code <data>/logs}), as on a multi-host deployment; {@code <data>/cluster.json} records them.
 * Readiness comes from what the daemons publish (TCP for ZooKeeper, ZooKeeper registrations for
 * metadata and storage, a mounted and answering mount point). Commands run on the main thread;
 * the classes here are not shared between threads except {@link io.stratafs.cli.cluster.ClusterZk}.
 */
package io.stratafs.cli.cluster;
