/**
 * The storage daemon's RPC surface: {@link io.stratafs.storage.rpc.StorageService} registers one
 * handler class per {@code storage.*} method. Handlers are stateless and thread-safe; they run on
 * the RPC layer's virtual threads and block on disk through the thread-safe chunk store.
 */
package io.stratafs.storage.rpc;
