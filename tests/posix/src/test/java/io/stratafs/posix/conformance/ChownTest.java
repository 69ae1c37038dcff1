package io.stratafs.posix.conformance;

import static io.stratafs.posix.conformance.Errno.*;
import static io.stratafs.posix.conformance.Syscalls.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** chown(2), lchown(2), fchown(2): owners, groups, the bits a chown drops (pjdfstest tests/chown). */
class ChownTest extends ConformanceTest {
  @Override
  protected String category() {
    return "chown";
  }

  @Test
  void rootChangesOwnerAndGroupAndMinusOneKeeps() {
    Path f = file("f", 0644);
    c.expect(OK, () -> sys.chown(f, 123, 456));
    c.equal("uid", 123, sys.stat(f).uid());
    c.equal("gid", 456, sys.stat(f).gid());
    c.expect(OK, () -> sys.chown(f, -1, 789));
    c.equal("uid kept", 123, sys.stat(f).uid());
    c.equal("gid", 789, sys.stat(f).gid());
    c.expect(OK, () -> sys.chown(f, 321, -1));
    c.equal("uid", 321, sys.stat(f).uid());
    c.equal("gid kept", 789, sys.stat(f).gid());
    Path d = mkdir("d", 0755);
    c.expect(OK, () -> sys.chown(d, 65534, 65534));
    c.equal("dir uid", 65534, sys.stat(d).uid());
  }

  @Test
  void unprivilegedUsersMayOnlyChangeTheGroupOfTheirOwnFilesToTheirGroups() {
    Path f = own(file("f", 0644), Cred.GROUPED);
    c.expectAs(Cred.GROUPED, OK, () -> sys.chown(f, -1, 2000));
    c.equal("gid to supplementary group", 2000, sys.stat(f).gid());
    c.expectAs(Cred.GROUPED, OK, () -> sys.chown(f, 1001, 3000));
    c.equal("own uid, group 3000", 3000, sys.stat(f).gid());
    c.expectAs(Cred.GROUPED, OK, () -> sys.chown(f, -1, 1001));
    c.expectAs(Cred.GROUPED, EPERM, () -> sys.chown(f, -1, 4000));
    c.expectAs(Cred.GROUPED, EPERM, () -> sys.chown(f, 65534, -1));
    c.expectAs(Cred.GROUPED, OK, () -> sys.chown(f, -1, -1));
    c.expectAs(Cred.NOBODY, EPERM, () -> sys.chown(f, -1, 65534));
    c.expectAs(Cred.NOBODY, EPERM, () -> sys.chown(f, 65534, 65534));
    c.equal("owner unchanged", 1001, sys.stat(f).uid());
  }

  @Test
  void chownDropsSetuidAndSetgidOfFilesButNotOfDirectories() {
    Path f = file("f", 0644);
    for (Object[] t :
        new Object[][] {{06755, 0755}, {06745, 06745 & ~04000}, {04700, 0700}, {02770, 0770}, {02740, 02740}}) {
      int before = (int) t[0];
      int after = (int) t[1];
      sys.chmod(f, before);
      c.expect(OK, () -> sys.chown(f, 77, 77));
      c.mode("root chown of " + Integer.toOctalString(before), after, mode(f));
    }
    Path g = own(file("g", 0644), Cred.GROUPED);
    sys.chmod(g, 06755);
    c.expectAs(Cred.GROUPED, OK, () -> sys.chown(g, -1, 2000));
    c.mode("owner chgrp of 6755", 0755, mode(g));
    Path d = mkdir("d", 0755);
    sys.chmod(d, 06755);
    c.expect(OK, () -> sys.chown(d, 77, 77));
    c.mode("directory keeps 6755", 06755, mode(d));
  }

  @Test
  void lchownChangesTheLinkAndChownTheTarget() {
    Path f = file("f", 0644);
    c.expect(OK, () -> sys.symlink("f", p("l")));
    c.expect(OK, () -> sys.lchown(p("l"), 11, 12));
    c.equal("link uid", 11, sys.lstat(p("l")).uid());
    c.equal("target uid untouched", 0, sys.stat(f).uid());
    c.expect(OK, () -> sys.chown(p("l"), 21, 22));
    c.equal("target uid", 21, sys.stat(f).uid());
    c.equal("link uid untouched", 11, sys.lstat(p("l")).uid());
    c.expect(OK, () -> sys.symlink("nowhere", p("dangling")));
    c.expect(ENOENT, () -> sys.chown(p("dangling"), 1, 1));
    c.expect(OK, () -> sys.lchown(p("dangling"), 1, 1));
  }

  @Test
  void errorsOfThePath() {
    file("f", 0644);
    c.expect(ENOENT, () -> sys.chown(p("missing"), 1, 1));
    c.expect(ENOTDIR, () -> sys.chown(p("f/x"), 1, 1));
    c.expect(ENAMETOOLONG, () -> sys.chown(p(Syscalls.name(256)), 1, 1));
    Path d = mkdir("d", 0700);
    c.expectAs(Cred.NOBODY, EACCES, () -> sys.chown(d.resolve("x"), -1, -1));
    int fd = sys.open(p("f"), O_RDONLY);
    c.expect(OK, () -> sys.fchown(fd, 5, 6));
    c.equal("fchown uid", 5, sys.fstat(fd).uid());
    sys.close(fd);
    c.expect(EBADF, () -> sys.fchown(fd, 5, 6));
  }

  @Test
  void chownUpdatesCtimeNotMtime() {
    Path f = file("f", 0644);
    sys.utimensat(f, new long[] {100, 1, 200, 2}, 0);
    Stat before = sys.stat(f);
    c.expect(OK, () -> sys.chown(f, 9, 9));
    Stat after = sys.stat(f);
    c.check("ctime advanced", after.ctimeNs() > before.ctimeNs());
    c.equal("mtime kept", before.mtimeNs(), after.mtimeNs());
  }
}
