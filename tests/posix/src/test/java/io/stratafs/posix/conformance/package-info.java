/**
 * The POSIX conformance suite: real system calls (jnr-ffi, no JDK file API in between) against a
 * real StrataFS mount, grouped by operation as pjdfstest groups them, each case with the exact
 * errno Linux's own filesystems give. {@link io.stratafs.posix.conformance.Syscalls} binds libc and
 * answers {@code -errno}; {@link io.stratafs.posix.conformance.Cred} runs a case as another user on
 * a thread of its own (credentials are per thread in the kernel); {@link
 * io.stratafs.posix.conformance.Checks} records every case into {@link
 * io.stratafs.posix.conformance.Report}, which prints the per-category table and writes {@code
 * target/conformance.md}. Test classes run one at a time; the harness types are thread-safe where
 * noted.
 */
package io.stratafs.posix.conformance;
