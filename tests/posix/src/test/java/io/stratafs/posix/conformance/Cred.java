package io.stratafs.posix.conformance;

import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Who a case runs as. Linux keeps credentials per thread (task) and the raw setresuid/setresgid/
 * setgroups system calls change only the calling one; glibc's wrappers broadcast the change to
 * every thread of the process, which would also turn the FUSE server threads of this JVM into
 * that user. So {@link #call} starts a platform thread, switches it for good (real, effective and
 * saved ids, so nothing can switch back) and lets it end: the credentials die with the thread.
 * The thread also unshares its fs_struct (CLONE_FS) so its umask stays its own.
 */
public record Cred(String name, int uid, int gid, int[] groups) {
  /** root as the JVM runs. */
  public static final Cred ROOT = new Cred("root", 0, 0, new int[] {0});
  /** nobody:nogroup, no supplementary groups. */
  public static final Cred NOBODY = new Cred("nobody", 65534, 65534, new int[0]);
  /** Another unprivileged user, different from NOBODY, to tell owner from group from other. */
  public static final Cred OTHER = new Cred("u1000", 1000, 1000, new int[0]);
  /** A user whose supplementary groups include 2000 and 3000 (primary group 1001). */
  public static final Cred GROUPED = new Cred("u1001+2000,3000", 1001, 1001, new int[] {2000, 3000});

  public Cred {
    groups = groups.clone();
  }

  @Override
  public int[] groups() {
    return groups.clone();
  }

  /** Runs {@code body} as this user with umask 022 and returns its result. */
  public <T> T call(Callable<T> body) {
    return call(022, body);
  }

  /** Runs {@code body} as this user with {@code umask}, on a thread of its own. */
  public <T> T call(int umask, Callable<T> body) {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        Thread.ofPlatform()
            .name("cred-" + name)
            .unstarted(
                () -> {
                  try {
                    become(umask);
                    result.set(body.call());
                  } catch (Throwable e) {
                    failure.set(e);
                  }
                });
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running as " + name, e);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("case as " + name + " failed", failure.get());
    }
    return result.get();
  }

  private void become(int umask) {
    NativeLib libc = Syscalls.libc();
    check(libc.unshare(Syscalls.CLONE_FS), "unshare(CLONE_FS)");
    libc.umask(umask);
    if (uid == 0) {
      return;
    }
    Pointer list = Memory.allocateDirect(Runtime.getRuntime(libc), Math.max(4, groups.length * 4));
    for (int i = 0; i < groups.length; i++) {
      list.putInt(i * 4L, groups[i]);
    }
    // Groups first: once the uid is not 0 the thread may no longer change them.
    check(libc.syscall(Syscalls.SYS_SETGROUPS, groups.length, list.address(), 0), "setgroups");
    check(libc.syscall(Syscalls.SYS_SETRESGID, gid, gid, gid), "setresgid");
    check(libc.syscall(Syscalls.SYS_SETRESUID, uid, uid, uid), "setresuid");
    if (libc.geteuid() != uid || libc.getegid() != gid) {
      throw new IllegalStateException("thread runs as " + libc.geteuid() + ":" + libc.getegid());
    }
  }

  private static void check(long rc, String what) {
    if (rc != 0) {
      throw new IllegalStateException(what + " failed: " + Errno.name(Runtime.getSystemRuntime().getLastError()));
    }
  }

  @Override
  public String toString() {
    return name + "(" + uid + ":" + gid + " " + Arrays.toString(groups) + ")";
  }
}
