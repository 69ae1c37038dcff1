package io.stratafs.meta.locks;

/**
 * Who holds a lock: the kernel's lock owner id is only unique within one client, so the client's
 * session is part of the key. For POSIX locks the kernel's owner is the process's file table (all
 * threads of a process share it); for flock locks it is the open file description.
 */
public record LockOwner(long session, long owner) {}
