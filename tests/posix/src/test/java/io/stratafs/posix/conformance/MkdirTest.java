package io.stratafs.posix.conformance;

import static io.stratafs.posix.conformance.Errno.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** mkdir(2): modes, owners, inheritance, links, errors (pjdfstest tests/mkdir). */
class MkdirTest extends ConformanceTest {
  @Override
  protected String category() {
    return "mkdir";
  }

  @Test
  void modeIsMaskedByUmaskAndSetuidSetgidAreDropped() {
    for (int[] t : new int[][] {{0755, 022, 0755}, {0777, 022, 0755}, {0777, 0, 0777}, {0700, 077, 0700},
        {01777, 0, 01777}, {07777, 0, 01777}, {0111, 0, 0111}}) {
      Path d = p("d" + Integer.toOctalString(t[0]) + "-" + Integer.toOctalString(t[1]));
      int got = Cred.ROOT.call(t[1], () -> sys.mkdir(d, t[0]));
      c.equal("mkdir " + d.getFileName(), 0, got);
      c.mode("mode of " + d.getFileName(), t[2], mode(d));
    }
  }

  @Test
  void ownerIsTheCallerAndSetgidParentsPassTheirGroupOn() {
    c.expectAs(Cred.NOBODY, OK, () -> sys.mkdir(p("n"), 0755));
    c.equal("uid", 65534, sys.stat(p("n")).uid());
    c.equal("gid", 65534, sys.stat(p("n")).gid());
    Path sg = mkdir("sg", 0777);
    sys.chown(sg, 0, 2000);
    sys.chmod(sg, 02777);
    c.expectAs(Cred.NOBODY, OK, () -> sys.mkdir(sg.resolve("child"), 0755));
    Stat child = sys.stat(sg.resolve("child"));
    c.equal("inherited gid", 2000, child.gid());
    c.mode("setgid propagates to subdirectories", 02755, child.perm());
    c.expectAs(Cred.NOBODY, OK, () -> sys.writeFile(sg.resolve("file"), "x", 0755));
    Stat file = sys.stat(sg.resolve("file"));
    c.equal("file inherits gid", 2000, file.gid());
    c.mode("file does not get setgid", 0755, file.perm());
    c.expectAs(Cred.NOBODY, OK, () -> sys.mkdir(sg.resolve("child/grandchild"), 0700));
    c.equal("grandchild gid", 2000, sys.stat(sg.resolve("child/grandchild")).gid());
    c.mode("grandchild setgid", 02700, mode(sg.resolve("child/grandchild")));
  }

  @Test
  void linkCountsAndTimes() {
    sys.utimensat(dir, new long[] {100, 0, 100, 0}, 0);
    Stat before = sys.stat(dir);
    c.expect(OK, () -> sys.mkdir(p("a"), 0755));
    Stat after = sys.stat(dir);
    c.equal("parent nlink +1", before.nlink() + 1, after.nlink());
    c.check("parent mtime advanced", after.mtimeNs() > before.mtimeNs());
    c.check("parent ctime advanced", after.ctimeNs() > before.ctimeNs());
    Stat a = sys.stat(p("a"));
    c.equal("new dir nlink", 2L, a.nlink());
    c.check("new dir times equal", a.atimeNs() == a.mtimeNs() && a.mtimeNs() == a.ctimeNs());
    c.expect(OK, () -> sys.rmdir(p("a")));
    c.equal("parent nlink back", before.nlink(), sys.stat(dir).nlink());
  }

  @Test
  void errors() {
    file("f", 0644);
    mkdir("d", 0755);
    c.expect(OK, () -> sys.symlink("nowhere", p("dangling")));
    c.expect(EEXIST, () -> sys.mkdir(p("f"), 0755));
    c.expect(EEXIST, () -> sys.mkdir(p("d"), 0755));
    c.expect(EEXIST, () -> sys.mkdir(p("dangling"), 0755));
    c.expect(EEXIST, () -> sys.mkdir(p("."), 0755));
    c.expect(EEXIST, () -> sys.mkdir(p(".."), 0755));
    c.expect(ENOENT, () -> sys.mkdir(p("missing/x"), 0755));
    c.expect(ENOTDIR, () -> sys.mkdir(p("f/x"), 0755));
    c.expect(ENAMETOOLONG, () -> sys.mkdir(p(Syscalls.name(256)), 0755));
    c.expect(OK, () -> sys.mkdir(p(Syscalls.name(255)), 0755));
    c.expect(ENOENT, () -> sys.mkdir("", 0755));
    Path ro = mkdir("ro", 0555);
    c.expectAs(Cred.NOBODY, EACCES, () -> sys.mkdir(ro.resolve("x"), 0755));
    c.expect("root ignores missing write permission", OK, () -> sys.mkdir(ro.resolve("x"), 0755));
    Path noSearch = mkdir("nosearch", 0666);
    c.expectAs(Cred.NOBODY, EACCES, () -> sys.mkdir(noSearch.resolve("x"), 0755));
    Path group = mkdir("group", 0770);
    sys.chown(group, 0, 3000);
    c.expectAs(Cred.GROUPED, OK, () -> sys.mkdir(group.resolve("x"), 0755));
    c.expectAs(Cred.NOBODY, EACCES, () -> sys.mkdir(group.resolve("y"), 0755));
  }

  @Test
  void deepPathsAndPathMax() {
    StringBuilder rel = new StringBuilder();
    for (int i = 0; i < 64; i++) {
      rel.append(i == 0 ? "" : "/").append("level").append(i);
      String r = rel.toString();
      if (sys.mkdir(p(r), 0755) != 0) {
        c.check("mkdir at depth " + i, false);
        return;
      }
    }
    c.check("64 levels deep", sys.stat(p(rel.toString())) != null);
    // A path of more than PATH_MAX (4096) bytes never reaches the filesystem.
    String longPath = (dir + "/" + ("a".repeat(200) + "/").repeat(21)).substring(0, 4200);
    c.expect(ENAMETOOLONG, () -> sys.mkdir(longPath, 0755));
  }
}
