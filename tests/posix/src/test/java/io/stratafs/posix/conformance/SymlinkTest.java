package io.stratafs.posix.conformance;

import static io.stratafs.posix.conformance.Errno.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** symlink(2) and readlink(2) (pjdfstest tests/symlink). */
class SymlinkTest extends ConformanceTest {
  @Override
  protected String category() {
    return "symlink";
  }

  @Test
  void createsLinksWhoseTargetsAreStoredVerbatim() {
    for (String target : new String[] {"f", "../x", "/abs/path", "a/b/c/", "with space", "x".repeat(1000)}) {
      Path l = p("l" + target.hashCode());
      c.expect(OK, () -> sys.symlink(target, l));
      c.equal("readlink", target, sys.readlink(l));
      Stat s = sys.lstat(l);
      c.equal("type", Stat.S_IFLNK, s.type());
      c.equal("size is the target length", (long) target.length(), s.size());
      c.mode("mode 0777", 0777, s.perm());
    }
    c.expect(OK, () -> sys.symlink("x".repeat(4095), p("max")));
    c.equal("4095-byte target", 4095, sys.readlink(p("max")).length());
    c.expect(ENAMETOOLONG, () -> sys.symlink("x".repeat(4096), p("toolong")));
    c.expect(ENOENT, () -> sys.symlink("", p("empty")));
  }

  @Test
  void ownersGroupsAndErrors() {
    c.expectAs(Cred.NOBODY, OK, () -> sys.symlink("t", p("n")));
    c.equal("uid", 65534, sys.lstat(p("n")).uid());
    Path sg = mkdir("sg", 02777);
    sys.chown(sg, 0, 3000);
    sys.chmod(sg, 02777);
    c.expectAs(Cred.NOBODY, OK, () -> sys.symlink("t", sg.resolve("l")));
    c.equal("gid from a setgid parent", 3000, sys.lstat(sg.resolve("l")).gid());
    file("f", 0644);
    c.expect(EEXIST, () -> sys.symlink("t", p("f")));
    c.expect(EEXIST, () -> sys.symlink("t", p("n")));
    c.expect(ENOENT, () -> sys.symlink("t", p("missing/l")));
    c.expect(ENOTDIR, () -> sys.symlink("t", p("f/l")));
    c.expect(ENAMETOOLONG, () -> sys.symlink("t", p(Syscalls.name(256))));
    Path ro = mkdir("ro", 0555);
    c.expectAs(Cred.NOBODY, EACCES, () -> sys.symlink("t", ro.resolve("l")));
    c.expect(EINVAL, () -> sys.readlinkRc(p("f")));
    c.expect(EINVAL, () -> sys.readlinkRc(dir));
    c.expect(ENOENT, () -> sys.readlinkRc(p("missing")));
    // A path through a symlink to a directory resolves.
    mkdir("d", 0755);
    file("d/inner", 0644);
    c.expect(OK, () -> sys.symlink("d", p("ld")));
    c.expect(OK, () -> sys.statRc(p("ld/inner")));
    c.expect(OK, () -> sys.symlink("ld/inner", p("chain")));
    c.expect(OK, () -> sys.statRc(p("chain")));
  }
}
