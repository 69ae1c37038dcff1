/**
 * The kernel adapter: StrataFS speaks the kernel FUSE protocol directly over /dev/fuse and drives
 * the FUSE-agnostic {@link io.stratafs.fuse.vfs.Vfs}. It owns the syscalls (jnr-ffi), the struct
 * codecs, opcode dispatch with the one wrapper that maps errors to errnos, the worker threads
 * and the mount lifecycle.
 *
 * <p>Lookup counting contract: every entry handed to the kernel counts one lookup — LOOKUP,
 * CREATE, MKDIR, MKNOD, SYMLINK and LINK replies and readdirplus entries other than "." and ".."
 * (with attributes) — and {@link io.stratafs.fuse.vfs.Vfs#forget} receives what the kernel drops,
 * plus the entries of replies the kernel refused (interrupted requests).
 *
 * <p>Thread-safety: {@link io.stratafs.fuse.kernel.FuseMount} and the dispatcher are
 * thread-safe; each worker thread owns its descriptor and buffers, so requests and replies are
 * never shared between threads.
 */
package io.stratafs.fuse.kernel;
