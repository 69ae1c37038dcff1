package io.stratafs.meta.schema;

/** A directory entry's value: the child inode and its file type bits (mode & S_IFMT). */
public record Dentry(long child, int type) {}
