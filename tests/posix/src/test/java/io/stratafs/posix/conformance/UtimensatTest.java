package io.stratafs.posix.conformance;

import static io.stratafs.posix.conformance.Errno.*;
import static io.stratafs.posix.conformance.Syscalls.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** utimensat(2), futimens(3): precision, UTIME_NOW/OMIT, who may (pjdfstest tests/utimensat). */
class UtimensatTest extends ConformanceTest {
  @Override
  protected String category() {
    return "utimensat";
  }

  private static final long S = 1_000_000_000L;

  @Test
  void explicitTimesKeepNanoseconds() {
    Path f = file("f", 0644);
    long[][] cases = {{0, 0, 0, 0}, {1, 1, 2, 999_999_999}, {1_700_000_000, 123_456_789, 1_600_000_000, 987_654_321},
        {4_102_444_800L, 5, 4_102_444_800L, 6}, {-1, 500_000_000, -100, 1}};
    for (long[] t : cases) {
      c.expect(OK, () -> sys.utimensat(f, t, 0));
      Stat s = sys.stat(f);
      c.equal("atime " + t[0] + "." + t[1], t[0] * S + t[1], s.atimeNs());
      c.equal("mtime " + t[2] + "." + t[3], t[2] * S + t[3], s.mtimeNs());
    }
    c.expect(EINVAL, () -> sys.utimensat(f, new long[] {0, S, 0, 0}, 0));
    c.expect(EINVAL, () -> sys.utimensat(f, new long[] {0, -1, 0, 0}, 0));
  }

  @Test
  void nowAndOmit() {
    Path f = file("f", 0644);
    sys.utimensat(f, new long[] {100, 1, 200, 2}, 0);
    Stat before = sys.stat(f);
    c.expect(OK, () -> sys.utimensat(f, new long[] {0, UTIME_OMIT, 0, UTIME_OMIT}, 0));
    Stat omitted = sys.stat(f);
    c.equal("both omitted: atime", before.atimeNs(), omitted.atimeNs());
    c.equal("both omitted: mtime", before.mtimeNs(), omitted.mtimeNs());
    c.expect(OK, () -> sys.utimensat(f, new long[] {0, UTIME_NOW, 0, UTIME_OMIT}, 0));
    Stat a = sys.stat(f);
    c.check("atime now", a.atimeNs() > 200 * S);
    c.equal("mtime omitted", 200 * S + 2, a.mtimeNs());
    c.check("ctime advanced", a.ctimeNs() >= before.ctimeNs());
    c.expect(OK, () -> sys.utimensat(f, new long[] {7, 7, 0, UTIME_NOW}, 0));
    Stat m = sys.stat(f);
    c.equal("atime explicit", 7 * S + 7, m.atimeNs());
    c.check("mtime now", m.mtimeNs() > 200 * S);
    c.expect(OK, () -> sys.utimensat(f, null, 0));
    Stat both = sys.stat(f);
    c.check("NULL sets both to now", both.atimeNs() > 200 * S && both.mtimeNs() > 200 * S);
    int fd = sys.open(f, O_RDONLY);
    c.expect(OK, () -> sys.futimens(fd, new long[] {11, 0, 12, 0}));
    c.equal("futimens", 12 * S, sys.fstat(fd).mtimeNs());
    sys.close(fd);
  }

  @Test
  void symlinkTimesWithNofollow() {
    Path f = file("f", 0644);
    sys.symlink("f", p("l"));
    sys.utimensat(f, new long[] {50, 0, 50, 0}, 0);
    c.expect(OK, () -> sys.utimensat(p("l"), new long[] {10, 1, 20, 2}, AT_SYMLINK_NOFOLLOW));
    c.equal("link mtime", 20 * S + 2, sys.lstat(p("l")).mtimeNs());
    c.equal("target untouched", 50 * S, sys.stat(f).mtimeNs());
    c.expect(OK, () -> sys.utimensat(p("l"), new long[] {30, 0, 30, 0}, 0));
    c.equal("target through link", 30 * S, sys.stat(f).mtimeNs());
  }

  @Test
  void whoMaySetWhat() {
    Path f = file("f", 0644);
    c.expectAs(Cred.NOBODY, "explicit times by a non-owner", EPERM, () -> sys.utimensat(f, new long[] {1, 0, 1, 0}, 0));
    c.expectAs(Cred.NOBODY, "now by a non-owner without write", EACCES, () -> sys.utimensat(f, null, 0));
    c.expectAs(Cred.NOBODY, "UTIME_NOW pair, no write", EACCES,
        () -> sys.utimensat(f, new long[] {0, UTIME_NOW, 0, UTIME_NOW}, 0));
    c.expectAs(Cred.NOBODY, "omit+omit needs nothing", OK,
        () -> sys.utimensat(f, new long[] {0, UTIME_OMIT, 0, UTIME_OMIT}, 0));
    c.expectAs(Cred.NOBODY, "now+omit is not 'both now'", EPERM,
        () -> sys.utimensat(f, new long[] {0, UTIME_NOW, 0, UTIME_OMIT}, 0));
    sys.chmod(f, 0666);
    c.expectAs(Cred.NOBODY, "now with write permission", OK, () -> sys.utimensat(f, null, 0));
    c.expectAs(Cred.NOBODY, "explicit still needs ownership", EPERM, () -> sys.utimensat(f, new long[] {1, 0, 1, 0}, 0));
    own(f, Cred.NOBODY);
    sys.chmod(f, 0400);
    c.expectAs(Cred.NOBODY, "owner without write sets explicit", OK, () -> sys.utimensat(f, new long[] {1, 0, 1, 0}, 0));
    c.expectAs(Cred.NOBODY, "owner without write sets now", OK, () -> sys.utimensat(f, null, 0));
    c.expect(ENOENT, () -> sys.utimensat(p("missing"), null, 0));
  }
}
