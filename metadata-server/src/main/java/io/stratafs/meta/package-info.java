/**
 * The metadata server: its config, lifecycle (MetadataServer) and in-process API (MetaService).
 * MetadataServer and MetaService are thread-safe.
 */
package io.stratafs.meta;
