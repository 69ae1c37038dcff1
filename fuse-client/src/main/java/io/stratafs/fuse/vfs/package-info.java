/**
 * The FUSE-agnostic filesystem: the {@link io.stratafs.fuse.vfs.Vfs} seam the kernel adapter
 * drives, and {@link io.stratafs.fuse.vfs.StrataVfs}, its implementation over the metadata and
 * storage services. Owns file and directory handles, per-inode write buffering ({@code
 * FileWriter}, {@code DirtyBuffer}) bounded mount-wide by {@code WriteBudget}, reads ({@code FileReader}; the kernel reads
 * ahead) and readdir positions ({@code DirCursor}).
 *
 * <p>Thread-safety: {@code StrataVfs} and every shared helper are safe for concurrent calls from
 * FUSE worker threads; {@code DirtyBuffer} alone is not and is always used under its {@code
 * FileWriter}'s lock.
 */
package io.stratafs.fuse.vfs;
