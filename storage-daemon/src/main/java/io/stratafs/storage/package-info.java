/**
 * The storage daemon: {@link io.stratafs.storage.StorageDaemon} wires the chunk store ({@code
 * chunk}), its RPC endpoint ({@code rpc}) and its ZooKeeper registration ({@code zk});
 * {@link io.stratafs.storage.StorageConfig} and {@link io.stratafs.storage.DeviceSpec} are the
 * immutable configuration the CLI builds. All public types here are thread-safe.
 */
package io.stratafs.storage;
