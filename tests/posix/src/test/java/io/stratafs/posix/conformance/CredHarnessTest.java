package io.stratafs.posix.conformance;

import static io.stratafs.posix.conformance.Errno.*;
import static io.stratafs.posix.conformance.Syscalls.*;

import org.junit.jupiter.api.Test;

/** The harness itself: per-thread credentials really are per thread, and the kernel sees them. */
class CredHarnessTest extends ConformanceTest {
  @Override
  protected String category() {
    return "harness";
  }

  @Test
  void credentialsChangeOnlyTheCasesThread() {
    NativeLib libc = Syscalls.libc();
    c.equal("euid as nobody", 65534, Cred.NOBODY.call(libc::geteuid));
    c.equal("egid as grouped", 1001, Cred.GROUPED.call(libc::getegid));
    c.equal("this thread is still root", 0, libc.geteuid());
    c.equal("the next case thread is root again", 0, Cred.ROOT.call(libc::geteuid));
    // The FUSE server threads share this JVM: a root operation after the switch still works.
    c.expect(OK, () -> sys.mkdir(p("root-after"), 0700));
    c.equal("root-after owner", 0, sys.stat(p("root-after")).uid());
  }

  @Test
  void theMountSeesTheCallersIds() {
    c.expectAs(Cred.NOBODY, OK, () -> sys.writeFile(p("n"), "x", 0644));
    Stat n = sys.stat(p("n"));
    c.equal("uid", 65534, n.uid());
    c.equal("gid", 65534, n.gid());
    c.expectAs(Cred.GROUPED, OK, () -> sys.mkdir(p("g"), 0755));
    c.equal("gid of grouped user's dir", 1001, sys.stat(p("g")).gid());
    // umask is per case thread (CLONE_FS unshared), applied by the kernel.
    c.equal("umask 077", 0600, Cred.NOBODY.call(077, () -> sys.writeFile(p("u"), "x", 0666) == 0 ? mode(p("u")) : -1));
    c.equal("umask 0", 0666, Cred.ROOT.call(0, () -> sys.writeFile(p("u0"), "x", 0666) == 0 ? mode(p("u0")) : -1));
  }
}
