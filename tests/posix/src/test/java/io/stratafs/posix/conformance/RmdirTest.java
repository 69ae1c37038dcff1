package io.stratafs.posix.conformance;

import static io.stratafs.posix.conformance.Errno.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** rmdir(2) (pjdfstest tests/rmdir). */
class RmdirTest extends ConformanceTest {
  @Override
  protected String category() {
    return "rmdir";
  }

  @Test
  void removesEmptyDirectoriesOnly() {
    Path d = mkdir("d", 0755);
    sys.utimensat(dir, new long[] {100, 0, 100, 0}, 0);
    long n = sys.stat(dir).nlink();
    c.expect(OK, () -> sys.rmdir(d));
    c.equal("parent nlink -1", n - 1, sys.stat(dir).nlink());
    c.check("parent mtime advanced", sys.stat(dir).mtimeNs() > 100_000_000_000L);
    c.check("parent ctime advanced", sys.stat(dir).ctimeNs() > 100_000_000_000L);
    Path full = mkdir("full", 0755);
    file("full/f", 0644);
    c.expect(ENOTEMPTY, () -> sys.rmdir(full));
    mkdir("full2", 0755);
    mkdir("full2/sub", 0755);
    c.expect(ENOTEMPTY, () -> sys.rmdir(p("full2")));
    file("f", 0644);
    c.expect(ENOTDIR, () -> sys.rmdir(p("f")));
    c.expect(ENOTDIR, () -> sys.rmdir(p("f/x")));
    c.expect(ENOENT, () -> sys.rmdir(p("missing")));
    c.expect(EINVAL, () -> sys.rmdir(full.resolve(".")));
    c.expect(ENOTEMPTY, () -> sys.rmdir(full.resolve("..")));
    c.expect(OK, () -> sys.symlink("full", p("sl")));
    c.expect(ENOTDIR, () -> sys.rmdir(p("sl")));
    c.expect(ENAMETOOLONG, () -> sys.rmdir(p(Syscalls.name(256))));
    c.expect(EBUSY, () -> sys.rmdir(FS.mnt()));
  }

  @Test
  void permissionsAndSticky() {
    Path ro = mkdir("ro", 0555);
    mkdir("ro/d", 0777);
    c.expectAs(Cred.NOBODY, EACCES, () -> sys.rmdir(ro.resolve("d")));
    Path sticky = mkdir("sticky", 01777);
    own(mkdir("sticky/theirs", 0777), Cred.OTHER);
    own(mkdir("sticky/mine", 0755), Cred.NOBODY);
    c.expectAs(Cred.NOBODY, EPERM, () -> sys.rmdir(sticky.resolve("theirs")));
    c.expectAs(Cred.NOBODY, OK, () -> sys.rmdir(sticky.resolve("mine")));
    own(sticky, Cred.NOBODY);
    c.expectAs(Cred.NOBODY, "the sticky directory's owner may", OK, () -> sys.rmdir(sticky.resolve("theirs")));
  }
}
