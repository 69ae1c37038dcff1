package io.stratafs.fuse.vfs;

/** One open(2) of a file: its inode's shared state, the open flags and its own read-ahead. */
record FileHandle(long fh, OpenFile file, int flags) {}
