package io.stratafs.fuse.vfs;

import io.stratafs.fuse.client.ChunkLocations;
import io.stratafs.fuse.client.ChunkReads;
import io.stratafs.fuse.client.ChunkWrites;
import io.stratafs.fuse.client.MetaClient;
import io.stratafs.fuse.client.StorageClient;
import java.util.concurrent.Executor;

/**
 * The services the data path (writers, readers, read-ahead) shares.
 *
 * @param chunkSize bytes per chunk of this filesystem
 * @param clientHost this machine's name, a placement hint for AllocChunks
 * @param storage single storage RPCs (read-ahead of a replica)
 * @param writes chain writes and syncs with replica exclusion and retries
 * @param reads reads that fall back across replicas and external copies
 * @param background runs read-ahead fetches (named daemon threads)
 */
record IoServices(
    MetaClient meta,
    StorageClient storage,
    ChunkWrites writes,
    ChunkReads reads,
    ChunkLocations chunks,
    long chunkSize,
    String clientHost,
    Executor background) {}
