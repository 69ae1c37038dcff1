/**
 * Test fixtures: {@link io.stratafs.testkit.MiniCluster} runs a real StrataFS (ZooKeeper, RocksDB,
 * storage daemons, FUSE) in one JVM. Not thread-safe: one test drives one cluster. {@code
 * S3ProxyServer} (a real S3 server on 127.0.0.1) is in this package too but lives in the
 * {@code strata-testkit-s3} module, so storage-daemon's own tests can use it without a module cycle;
 * this module depends on it.
 */
package io.stratafs.testkit;
