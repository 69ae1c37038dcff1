package io.stratafs.fuse.vfs;

/**
 * The caller of one operation, as the kernel reports it, with the supplementary groups looked up
 * by the adapter (the FUSE header has none).
 */
public record VfsContext(int uid, int gid, int pid, int[] groups) {
  public static final VfsContext ROOT = new VfsContext(0, 0, 0, new int[0]);
}
