/**
 * Clients of the StrataFS services used by the FUSE client's {@code Vfs}: {@link
 * io.stratafs.fuse.client.MetaClient} (leader discovery through ZooKeeper, retries, the session
 * and its heartbeats), {@link io.stratafs.fuse.client.StorageClient} (chunk reads, writes and syncs
 * on storage daemons) and {@link io.stratafs.fuse.client.ChunkLocations} (a cache of where chunks
 * live). Nothing here knows about FUSE or file handles.
 *
 * <p>Thread-safety: every public class is safe for concurrent use by the FUSE worker threads.
 */
package io.stratafs.fuse.client;
