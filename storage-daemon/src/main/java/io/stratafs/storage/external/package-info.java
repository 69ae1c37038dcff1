/**
 * External backends: immutable objects on an S3-compatible store or a plain directory (NAS/NFS).
 * {@link io.stratafs.storage.external.BlobBackend} is the one strategy interface ({@code
 * DirectoryBackend}, {@code S3Backend}, {@code MemoryBackend}); cross-cutting concerns wrap any of
 * them as decorators ({@code ChecksummedBackend}, {@code PrefixedBackend}). {@code
 * ExternalTargetUri} parses the {@code s3://} and {@code nas://} forms users type, {@code
 * ExternalBackends} opens one, and {@code ChunkObjectLayout} names the objects of chunk data. Every
 * backend and decorator here is thread-safe; calls block (run them off event loops).
 */
package io.stratafs.storage.external;
