package io.stratafs.posix.conformance;

import static io.stratafs.posix.conformance.Errno.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** unlink(2) (pjdfstest tests/unlink). */
class UnlinkTest extends ConformanceTest {
  @Override
  protected String category() {
    return "unlink";
  }

  @Test
  void removesEveryTypeOfNonDirectory() {
    file("f", 0644);
    sys.mkfifo(p("fifo"), 0644);
    sys.symlink("f", p("l"));
    sys.mknod(p("dev"), Stat.S_IFCHR | 0644, 0x103);
    sys.bindUnixSocket(p("sock"));
    for (String n : new String[] {"l", "f", "fifo", "dev", "sock"}) {
      c.expect("unlink " + n, OK, () -> sys.unlink(p(n)));
      c.expect("gone " + n, ENOENT, () -> sys.lstatRc(p(n)));
    }
  }

  @Test
  void linkCountsAndTimes() {
    Path f = file("f", 0644);
    sys.link(f, p("g"));
    sys.utimensat(f, new long[] {100, 0, 100, 0}, 0);
    sys.utimensat(dir, new long[] {100, 0, 100, 0}, 0);
    c.expect(OK, () -> sys.unlink(f));
    Stat g = sys.stat(p("g"));
    c.equal("nlink", 1L, g.nlink());
    c.check("remaining link's ctime advanced", g.ctimeNs() > 100_000_000_000L);
    c.equal("mtime kept", 100_000_000_000L, g.mtimeNs());
    c.check("parent mtime", sys.stat(dir).mtimeNs() > 100_000_000_000L);
    c.check("parent ctime", sys.stat(dir).ctimeNs() > 100_000_000_000L);
  }

  @Test
  void errors() {
    Path d = mkdir("d", 0755);
    file("f", 0644);
    c.expect(EISDIR, () -> sys.unlink(d));
    c.expect(ENOENT, () -> sys.unlink(p("missing")));
    c.expect(ENOTDIR, () -> sys.unlink(p("f/x")));
    c.expect(ENAMETOOLONG, () -> sys.unlink(p(Syscalls.name(256))));
    c.expect(ENOENT, () -> sys.unlink(p(Syscalls.name(255))));
    Path ro = mkdir("ro", 0555);
    file("ro/x", 0666);
    c.expectAs(Cred.NOBODY, EACCES, () -> sys.unlink(ro.resolve("x")));
    Path noSearch = mkdir("nosearch", 0766);
    file("nosearch/x", 0666);
    c.expectAs(Cred.NOBODY, EACCES, () -> sys.unlink(noSearch.resolve("x")));
  }

  @Test
  void stickyDirectories() {
    Path sticky = mkdir("sticky", 01777);
    own(file("sticky/theirs", 0666), Cred.OTHER);
    own(file("sticky/mine", 0600), Cred.NOBODY);
    own(file("sticky/theirs2", 0666), Cred.OTHER);
    c.expectAs(Cred.NOBODY, "others' file in a sticky dir", EPERM, () -> sys.unlink(sticky.resolve("theirs")));
    c.expectAs(Cred.NOBODY, "own file in a sticky dir", OK, () -> sys.unlink(sticky.resolve("mine")));
    c.expect("root may", OK, () -> sys.unlink(sticky.resolve("theirs")));
    own(sticky, Cred.NOBODY);
    c.expectAs(Cred.NOBODY, "the directory owner may", OK, () -> sys.unlink(sticky.resolve("theirs2")));
    Path plain = mkdir("plain", 0777);
    own(file("plain/theirs", 0600), Cred.OTHER);
    c.expectAs(Cred.NOBODY, "without sticky anyone with write may", OK, () -> sys.unlink(plain.resolve("theirs")));
  }
}
