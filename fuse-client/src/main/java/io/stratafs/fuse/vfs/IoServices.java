package io.stratafs.fuse.vfs;

import io.stratafs.fuse.client.ChunkLocations;
import io.stratafs.fuse.client.MetaClient;
import io.stratafs.fuse.client.StorageClient;
import java.util.concurrent.Executor;

/**
 * The services the data path (writers, readers, read-ahead) shares.
 *
 * @param chunkSize bytes per chunk of this filesystem
 * @param clientHost this machine's name, a placement hint for AllocChunks
 * @param background runs read-ahead fetches (named daemon threads)
 */
record IoServices(
    MetaClient meta,
    StorageClient storage,
    ChunkLocations chunks,
    long chunkSize,
    String clientHost,
    Executor background) {}
