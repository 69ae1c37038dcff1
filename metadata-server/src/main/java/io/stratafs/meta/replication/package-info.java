/**
 * Keeping chunks at their policy's replica count (docs/adr/017): the leader's
 * {@link io.stratafs.meta.replication.ExternalReplicator} (uploads to external targets, drops
 * cold staging replicas), {@link io.stratafs.meta.replication.Healer} (drops lost or corrupt
 * replicas, copies new ones, trims surplus) and {@link io.stratafs.meta.replication.Fsck}
 * (counts). They call storage daemons outside any journal transaction and commit through the
 * journal only if the chunk record still has the version they started from. Thread-safe.
 */
package io.stratafs.meta.replication;
