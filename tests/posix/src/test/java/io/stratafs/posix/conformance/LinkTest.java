package io.stratafs.posix.conformance;

import static io.stratafs.posix.conformance.Errno.*;
import static io.stratafs.posix.conformance.Syscalls.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** link(2): counts, times, the places it may not go (pjdfstest tests/link). */
class LinkTest extends ConformanceTest {
  @Override
  protected String category() {
    return "link";
  }

  @Test
  void linksAcrossDirectoriesShareTheInode() {
    Path f = file("f", 0644);
    Path other = mkdir("other", 0755);
    c.expect(OK, () -> sys.link(f, other.resolve("g")));
    c.expect(OK, () -> sys.link(f, p("h")));
    Stat a = sys.stat(f);
    Stat b = sys.stat(other.resolve("g"));
    c.equal("same inode", a.ino(), b.ino());
    c.equal("nlink 3", 3L, b.nlink());
    c.expect(OK, () -> sys.unlink(f));
    c.equal("nlink 2 after unlink", 2L, sys.stat(p("h")).nlink());
    int fd = sys.open(other.resolve("g"), O_RDONLY);
    c.equal("content through the other name", "data", new String(sys.pread(fd, 10, 0)));
    sys.close(fd);
  }

  @Test
  void linkUpdatesTheFilesCtimeAndTheParentsMtime() {
    Path f = file("f", 0644);
    Path other = mkdir("other", 0755);
    sys.utimensat(f, new long[] {100, 0, 100, 0}, 0);
    sys.utimensat(other, new long[] {100, 0, 100, 0}, 0);
    Stat fb = sys.stat(f);
    Stat db = sys.stat(other);
    c.expect(OK, () -> sys.link(f, other.resolve("g")));
    Stat fa = sys.stat(f);
    Stat da = sys.stat(other);
    c.check("file ctime advanced", fa.ctimeNs() > fb.ctimeNs());
    c.equal("file mtime kept", fb.mtimeNs(), fa.mtimeNs());
    c.check("parent mtime advanced", da.mtimeNs() > db.mtimeNs());
    c.check("parent ctime advanced", da.ctimeNs() > db.ctimeNs());
  }

  @Test
  void errors() {
    Path f = file("f", 0644);
    Path d = mkdir("d", 0755);
    c.expect(EEXIST, () -> sys.link(f, f));
    c.expect(EEXIST, () -> sys.link(f, d));
    c.expect(EPERM, () -> sys.link(d, p("dlink")));
    c.expect(ENOENT, () -> sys.link(p("missing"), p("x")));
    c.expect(ENOENT, () -> sys.link(f, p("missing/x")));
    c.expect(ENOTDIR, () -> sys.link(f, p("f/x")));
    c.expect(ENOTDIR, () -> sys.link(p("f/x"), p("y")));
    c.expect(ENAMETOOLONG, () -> sys.link(f, p(Syscalls.name(256))));
    c.expect(OK, () -> sys.link(f, p(Syscalls.name(255))));
    c.expect(EXDEV, () -> sys.link(f, Path.of("/tmp", "conformance-xdev-" + System.nanoTime())));
    // link(2) does not follow a symlink source: the new name is another link to the symlink.
    c.expect(OK, () -> sys.symlink("f", p("sl")));
    c.expect(OK, () -> sys.link(p("sl"), p("sl2")));
    c.equal("hard link to the symlink itself", Stat.S_IFLNK, sys.lstat(p("sl2")).type());
  }

  @Test
  void permissionsOfUnprivilegedUsers() {
    Path f = file("f", 0666);
    Path ro = mkdir("ro", 0755);
    c.expectAs(Cred.NOBODY, EACCES, () -> sys.link(f, ro.resolve("x")));
    Path closed = mkdir("closed", 0700);
    Path inner = own(file("closed/inner", 0666), Cred.NOBODY);
    c.expectAs(Cred.NOBODY, EACCES, () -> sys.link(inner, p("y")));
    // fs.protected_hardlinks=1: no link to a file one neither owns nor may read and write.
    Path secret = file("secret", 0600);
    c.expectAs(Cred.NOBODY, EPERM, () -> sys.link(secret, p("z")));
    Path mine = own(file("mine", 0600), Cred.NOBODY);
    c.expectAs(Cred.NOBODY, OK, () -> sys.link(mine, p("mine2")));
    Path shared = file("shared", 0666);
    c.expectAs(Cred.NOBODY, OK, () -> sys.link(shared, p("shared2")));
  }
}
