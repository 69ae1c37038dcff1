/**
 * Test fixtures: {@link io.stratafs.testkit.MiniCluster} runs a real StrataFS (ZooKeeper, RocksDB,
 * storage daemons, FUSE) in one JVM. Not thread-safe: one test drives one cluster.
 */
package io.stratafs.testkit;
