package io.stratafs.posix.conformance;

import static io.stratafs.posix.conformance.Errno.*;
import static io.stratafs.posix.conformance.Syscalls.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** rename(2), renameat2(2): every kind of rename and its errors (pjdfstest tests/rename). */
class RenameTest extends ConformanceTest {
  @Override
  protected String category() {
    return "rename";
  }

  @Test
  void filesOverNothingAndOverFiles() {
    Path a = file("a", 0644);
    long ino = sys.stat(a).ino();
    c.expect(OK, () -> sys.rename(a, p("b")));
    c.expect(ENOENT, () -> sys.statRc(a));
    c.equal("same inode", ino, sys.stat(p("b")).ino());
    Path victim = file("victim", 0644);
    c.expect(OK, () -> sys.link(victim, p("victim2")));
    c.expect(OK, () -> sys.rename(p("b"), victim));
    c.equal("replaced", ino, sys.stat(victim).ino());
    c.equal("victim lost one link", 1L, sys.stat(p("victim2")).nlink());
    // Two names of one inode: rename does nothing and both stay.
    c.expect(OK, () -> sys.link(victim, p("same")));
    c.expect(OK, () -> sys.rename(victim, p("same")));
    c.check("both names stay", sys.stat(victim) != null && sys.stat(p("same")) != null);
    Path other = mkdir("other", 0755);
    c.expect(OK, () -> sys.rename(p("same"), other.resolve("moved")));
    c.equal("moved across directories", ino, sys.stat(other.resolve("moved")).ino());
    c.expect(OK, () -> sys.symlink("target", p("sl")));
    c.expect(OK, () -> sys.rename(p("sl"), other.resolve("sl")));
    c.equal("a symlink moves as itself", "target", sys.readlink(other.resolve("sl")));
  }

  @Test
  void directoriesAndTheirLinkCounts() {
    Path a = mkdir("a", 0755);
    Path b = mkdir("b", 0755);
    mkdir("a/sub", 0755);
    long nA = sys.stat(a).nlink();
    long nB = sys.stat(b).nlink();
    c.expect(OK, () -> sys.rename(a.resolve("sub"), b.resolve("sub")));
    c.equal("old parent nlink -1", nA - 1, sys.stat(a).nlink());
    c.equal("new parent nlink +1", nB + 1, sys.stat(b).nlink());
    c.expect(OK, () -> sys.writeFile(b.resolve("sub/f"), "x", 0644));
    c.expect(OK, () -> sys.stat(b.resolve("sub/..")).ino() == sys.stat(b).ino() ? 0 : -EINVAL);
    mkdir("empty", 0755);
    c.expect(OK, () -> sys.rename(a, p("empty")));
    c.expect(ENOENT, () -> sys.statRc(a));
    c.expect(ENOTEMPTY, () -> sys.rename(p("empty"), b));
    c.expect(EINVAL, () -> sys.rename(b, b.resolve("sub/inside")));
    c.expect(EINVAL, () -> sys.rename(b, b.resolve("sub")));
    file("f", 0644);
    c.expect(EISDIR, () -> sys.rename(p("f"), b));
    c.expect(ENOTDIR, () -> sys.rename(b, p("f")));
    c.expect(OK, () -> sys.rename(b, b));
  }

  @Test
  void errorsOfPaths() {
    Path f = file("f", 0644);
    c.expect(ENOENT, () -> sys.rename(p("missing"), p("x")));
    c.expect(ENOENT, () -> sys.rename(f, p("missing/x")));
    c.expect(ENOTDIR, () -> sys.rename(f, p("f/x")));
    c.expect(ENOTDIR, () -> sys.rename(p("f/x"), p("y")));
    c.expect(ENAMETOOLONG, () -> sys.rename(f, p(Syscalls.name(256))));
    c.expect(OK, () -> sys.rename(f, p(Syscalls.name(255))));
    c.expect(OK, () -> sys.rename(p(Syscalls.name(255)), f));
    c.expect(EXDEV, () -> sys.rename(f, Path.of("/tmp", "conformance-xdev-" + System.nanoTime())));
    c.expect(EBUSY, () -> sys.rename(dir.resolve("."), p("dot")));
  }

  @Test
  void noreplaceAndExchange() {
    Path a = file("a", 0644);
    Path b = mkdir("b", 0755);
    long ia = sys.stat(a).ino();
    long ib = sys.stat(b).ino();
    c.expect(EEXIST, () -> sys.renameat2(a, b, RENAME_NOREPLACE));
    c.expect(OK, () -> sys.renameat2(a, p("c"), RENAME_NOREPLACE));
    c.expect(OK, () -> sys.renameat2(p("c"), b, RENAME_EXCHANGE));
    c.equal("exchange: file under b", ia, sys.lstat(b).ino());
    c.equal("exchange: dir under c", ib, sys.lstat(p("c")).ino());
    c.expect(ENOENT, () -> sys.renameat2(p("c"), p("missing"), RENAME_EXCHANGE));
    c.expect(EINVAL, () -> sys.renameat2(p("c"), b, RENAME_EXCHANGE | RENAME_NOREPLACE));
    // A directory exchanged into another parent moves its '..' and the link counts with it.
    Path other = mkdir("other", 0755);
    file("other/x", 0644);
    long nDir = sys.stat(dir).nlink();
    long nOther = sys.stat(other).nlink();
    c.expect(OK, () -> sys.renameat2(p("c"), other.resolve("x"), RENAME_EXCHANGE));
    c.equal("this dir lost a subdirectory", nDir - 1, sys.stat(dir).nlink());
    c.equal("other gained one", nOther + 1, sys.stat(other).nlink());
    c.equal("'..' follows", sys.stat(other).ino(), sys.stat(other.resolve("x/..")).ino());
  }

  @Test
  void renameOverAnOpenFileKeepsTheVictimReadableThroughItsDescriptor() {
    Path a = file("a", 0644);
    Path b = p("b");
    sys.writeFile(b, "victim", 0644);
    int fd = sys.open(b, O_RDONLY);
    c.expect(OK, () -> sys.rename(a, b));
    c.equal("the descriptor still reads the replaced file", "victim", new String(sys.pread(fd, 16, 0)));
    c.equal("replaced file has no links", 0L, sys.fstat(fd).nlink());
    sys.close(fd);
    int fd2 = sys.open(b, O_RDONLY);
    c.equal("the name now reads the moved file", "data", new String(sys.pread(fd2, 16, 0)));
    sys.close(fd2);
    // Whiteouts belong to overlay filesystems' upper layers; StrataFS does not create them.
    c.expect(EINVAL, () -> sys.renameat2(b, p("w"), 4 /* RENAME_WHITEOUT */));
  }

  @Test
  void permissionsAndSticky() {
    Path f = own(file("f", 0644), Cred.NOBODY);
    Path ro = mkdir("ro", 0555);
    c.expectAs(Cred.NOBODY, EACCES, () -> sys.rename(f, ro.resolve("f")));
    Path rosrc = mkdir("rosrc", 0755);
    own(file("rosrc/g", 0644), Cred.NOBODY);
    c.expectAs(Cred.NOBODY, EACCES, () -> sys.rename(rosrc.resolve("g"), p("g")));
    Path sticky = mkdir("sticky", 01777);
    Path theirs = own(file("sticky/theirs", 0666), Cred.OTHER);
    own(file("sticky/mine", 0666), Cred.NOBODY);
    c.expectAs(Cred.NOBODY, EPERM, () -> sys.rename(theirs, sticky.resolve("x")));
    c.expectAs(Cred.NOBODY, EPERM, () -> sys.rename(sticky.resolve("mine"), theirs));
    c.expectAs(Cred.NOBODY, OK, () -> sys.rename(sticky.resolve("mine"), sticky.resolve("mine2")));
    own(sticky, Cred.OTHER);
    c.expectAs(Cred.OTHER, "the directory owner may", OK, () -> sys.rename(sticky.resolve("mine2"), sticky.resolve("mine3")));
    // Moving a directory to another parent rewrites its '..': needs write on the directory itself.
    Path d = mkdir("d", 0755);
    Path dest = mkdir("dest", 0777);
    c.expectAs(Cred.NOBODY, EACCES, () -> sys.rename(d, dest.resolve("d")));
    c.expectAs(Cred.NOBODY, OK, () -> sys.rename(d, p("d-renamed-in-place")));
  }

  @Test
  void timesOfTheFileAndBothParents() {
    Path f = file("f", 0644);
    Path other = mkdir("other", 0755);
    for (Path x : new Path[] {f, other, dir}) {
      sys.utimensat(x, new long[] {100, 0, 100, 0}, 0);
    }
    Stat fb = sys.stat(f);
    c.expect(OK, () -> sys.rename(f, other.resolve("f")));
    Stat fa = sys.stat(other.resolve("f"));
    c.check("renamed inode's ctime advanced", fa.ctimeNs() > fb.ctimeNs());
    c.equal("renamed inode's mtime kept", fb.mtimeNs(), fa.mtimeNs());
    c.check("source parent mtime", sys.stat(dir).mtimeNs() > 100_000_000_000L);
    c.check("target parent mtime", sys.stat(other).mtimeNs() > 100_000_000_000L);
    c.check("target parent ctime", sys.stat(other).ctimeNs() > fb.ctimeNs());
  }
}
