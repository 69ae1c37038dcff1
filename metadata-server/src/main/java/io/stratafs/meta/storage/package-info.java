/**
 * The metadata server's view of storage: registered daemons (ZooKeeper cache), chunk placement,
 * the calls it makes to daemons and the chunk garbage collector. Thread-safe.
 */
package io.stratafs.meta.storage;
