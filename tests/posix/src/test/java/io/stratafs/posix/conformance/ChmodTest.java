package io.stratafs.posix.conformance;

import static io.stratafs.posix.conformance.Errno.*;
import static io.stratafs.posix.conformance.Syscalls.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** chmod(2), fchmod(2): who may, what sticks, what the kernel strips (pjdfstest tests/chmod). */
class ChmodTest extends ConformanceTest {
  @Override
  protected String category() {
    return "chmod";
  }

  @Test
  void everyPermissionBitRoundTripsOnEveryType() {
    Path f = file("f", 0644);
    Path d = mkdir("d", 0755);
    c.expect(OK, () -> sys.mkfifo(p("fifo"), 0644));
    for (int m : new int[] {0, 0111, 0222, 0444, 0700, 0777, 01777, 02755, 04755, 07777, 0640}) {
      for (Path x : new Path[] {f, d, p("fifo")}) {
        c.expect("chmod " + Integer.toOctalString(m), OK, () -> sys.chmod(x, m));
        c.mode("mode after chmod " + Integer.toOctalString(m) + " " + x.getFileName(), m, mode(x));
      }
    }
  }

  @Test
  void chmodFollowsSymlinksAndReportsMissingPaths() {
    Path f = file("f", 0644);
    c.expect(OK, () -> sys.symlink("f", p("l")));
    c.expect(OK, () -> sys.chmod(p("l"), 0600));
    c.mode("target changed through link", 0600, mode(f));
    c.equal("link keeps 0777", 0777, mode(p("l")));
    c.expect(ENOENT, () -> sys.chmod(p("missing"), 0644));
    c.expect(ENOTDIR, () -> sys.chmod(p("f/x"), 0644));
    c.expect(ENAMETOOLONG, () -> sys.chmod(p(Syscalls.name(256)), 0644));
    c.expect(ENOENT, () -> sys.chmod(p(Syscalls.name(255)), 0644));
    c.expect(OK, () -> sys.symlink("loop2", p("loop1")));
    c.expect(OK, () -> sys.symlink("loop1", p("loop2")));
    c.expect(ELOOP, () -> sys.chmod(p("loop1"), 0644));
  }

  @Test
  void onlyTheOwnerOrRootMayChmod() {
    Path f = own(file("f", 0666), Cred.NOBODY);
    c.expectAs(Cred.NOBODY, OK, () -> sys.chmod(f, 0600));
    c.expectAs(Cred.OTHER, EPERM, () -> sys.chmod(f, 0666));
    c.expect(OK, () -> sys.chmod(f, 0644));
    c.mode("root chmod", 0644, mode(f));
    Path d = own(mkdir("d", 0777), Cred.NOBODY);
    c.expectAs(Cred.OTHER, EPERM, () -> sys.chmod(d, 0700));
    c.expectAs(Cred.NOBODY, OK, () -> sys.chmod(d, 0700));
    // A search-less parent stops the non-owner first with EACCES.
    c.expectAs(Cred.OTHER, EACCES, () -> sys.chmod(d.resolve("x"), 0700));
  }

  @Test
  void fchmodOnAnOpenFile() {
    Path f = own(file("f", 0644), Cred.NOBODY);
    int fd = sys.open(f, O_RDONLY);
    c.expect(OK, () -> sys.fchmod(fd, 0600));
    c.mode("fchmod", 0600, mode(f));
    sys.close(fd);
    c.expect(EBADF, () -> sys.fchmod(fd, 0600));
  }

  @Test
  void setgidIsDroppedForANonMemberAndStickyIsKeptOnFiles() {
    // Owner not in the file's group: S_ISGID silently dropped (Linux inode_change_ok / setattr_prepare).
    Path f = own(file("f", 0644), Cred.NOBODY);
    c.expect(OK, () -> sys.chown(f, 65534, 2000));
    c.expectAs(Cred.NOBODY, OK, () -> sys.chmod(f, 02755));
    c.mode("sgid stripped for non-member", 0755, mode(f));
    Path g = own(file("g", 0644), Cred.GROUPED);
    c.expect(OK, () -> sys.chown(g, 1001, 3000));
    c.expectAs(Cred.GROUPED, OK, () -> sys.chmod(g, 02755));
    c.mode("sgid kept for supplementary member", 02755, mode(g));
    c.expectAs(Cred.NOBODY, OK, () -> sys.chmod(f, 01644));
    c.mode("sticky on a file by non-root", 01644, mode(f));
  }

  @Test
  void chmodUpdatesCtimeOnly() {
    Path f = file("f", 0644);
    sys.utimensat(f, new long[] {100, 1, 200, 2}, 0);
    Stat before = sys.stat(f);
    c.expect(OK, () -> sys.chmod(f, 0600));
    Stat after = sys.stat(f);
    c.check("ctime advanced", after.ctimeNs() > before.ctimeNs());
    c.equal("mtime unchanged", before.mtimeNs(), after.mtimeNs());
    c.equal("atime unchanged", before.atimeNs(), after.atimeNs());
  }
}
