/**
 * Advisory file locks: POSIX byte-range locks (fcntl) and flock, held in the metadata leader's
 * memory per (session, lock owner), released on close, on session end and lost with the leader
 * (docs/adr/010-locks-in-leader-memory.md). {@link io.stratafs.meta.locks.LockManager} is
 * thread-safe; blocking requests park their (virtual) thread.
 */
package io.stratafs.meta.locks;
