/**
 * ZooKeeper membership of a storage daemon: {@link io.stratafs.storage.zk.StorageRegistrar} keeps
 * the daemon's ephemeral registration node alive and fresh. Thread-safe.
 */
package io.stratafs.storage.zk;
