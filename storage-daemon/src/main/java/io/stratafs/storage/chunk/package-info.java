/**
 * The chunk store: chunk files on local device directories, a CRC32C per block (4 KiB; 64 KiB on older devices) checked on
 * every read, sparse holes, truncate, delete, capacity numbers, and the device identity file.
 * {@link io.stratafs.storage.chunk.ChunkStore} is the entry point and is thread-safe: operations on
 * one chunk are ordered by a striped per-chunk read-write lock, different chunks run in parallel.
 * The operation classes ({@code WriteOp}, {@code ReadOp}, {@code TruncateOp}) and {@code
 * ChunkVersions} (the highest version seen per chunk, docs/adr/017) assume their caller holds that
 * lock. {@code Scrubber} re-verifies every chunk in the background; {@code CorruptChunks} is the
 * thread-safe set of replicas found corrupt.
 */
package io.stratafs.storage.chunk;
