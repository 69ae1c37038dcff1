/**
 * Serving: leader election and publication in ZooKeeper (MetaLeadership) and the RPC bindings of
 * the meta.* methods. Thread-safe.
 */
package io.stratafs.meta.server;
