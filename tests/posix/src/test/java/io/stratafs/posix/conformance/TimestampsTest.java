package io.stratafs.posix.conformance;

import static io.stratafs.posix.conformance.Errno.*;
import static io.stratafs.posix.conformance.Syscalls.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which data operations move atime, mtime and ctime (namespace operations are in their groups). */
class TimestampsTest extends ConformanceTest {
  private static final long OLD = 100_000_000_000L;

  @Override
  protected String category() {
    return "timestamps";
  }

  private Path oldFile(String name) {
    Path f = file(name, 0666);
    sys.utimensat(f, new long[] {100, 0, 100, 0}, 0);
    return f;
  }

  @Test
  void writeMovesMtimeAndCtimeButNotAtime() {
    Path f = oldFile("f");
    Stat before = sys.stat(f);
    int fd = sys.open(f, O_WRONLY);
    c.expect(OK, () -> sys.pwrite(fd, "x".getBytes(), 0));
    sys.close(fd);
    Stat after = sys.stat(f);
    c.check("mtime advanced", after.mtimeNs() > OLD);
    c.check("ctime advanced", after.ctimeNs() > before.ctimeNs());
    c.equal("atime kept", OLD, after.atimeNs());
  }

  @Test
  void readAndOpenDoNotMoveMtimeOrCtime() {
    Path f = oldFile("f");
    Stat before = sys.stat(f);
    int fd = sys.open(f, O_RDONLY);
    c.equal("read", 4, sys.read(fd, 16));
    sys.close(fd);
    Stat after = sys.stat(f);
    c.equal("mtime", before.mtimeNs(), after.mtimeNs());
    c.equal("ctime", before.ctimeNs(), after.ctimeNs());
    // The mount is noatime: reads never move atime (see docs/posix.md).
    c.equal("atime (noatime)", before.atimeNs(), after.atimeNs());
  }

  @Test
  void ftruncateAndTruncationAtOpenMoveMtimeAndCtime() {
    Path f = oldFile("f");
    int fd = sys.open(f, O_RDWR);
    c.expect(OK, () -> sys.ftruncate(fd, 1));
    c.check("ftruncate mtime", sys.fstat(fd).mtimeNs() > OLD);
    sys.close(fd);
    Path g = oldFile("g");
    c.expect(OK, () -> closeOk(sys.open(g, O_WRONLY | O_TRUNC)));
    c.check("O_TRUNC mtime", sys.stat(g).mtimeNs() > OLD);
    Path empty = file("empty", 0666);
    sys.truncate(empty, 0);
    sys.utimensat(empty, new long[] {100, 0, 100, 0}, 0);
    c.expect(OK, () -> closeOk(sys.open(empty, O_WRONLY | O_TRUNC)));
    c.check("O_TRUNC of an empty file still counts as a change", sys.stat(empty).mtimeNs() > OLD);
  }

  @Test
  void changesAreOrderedAndCarryNanoseconds() {
    Path f = file("f", 0644);
    long last = sys.stat(f).ctimeNs();
    boolean increasing = true;
    boolean subsecond = false;
    for (int i = 0; i < 20; i++) {
      sys.chmod(f, i % 2 == 0 ? 0600 : 0644);
      long now = sys.stat(f).ctimeNs();
      increasing &= now >= last;
      subsecond |= now % 1_000_000_000L != 0;
      last = now;
    }
    c.check("ctime never goes back", increasing);
    c.check("ctime has sub-second precision", subsecond);
    c.expect(OK, () -> sys.utimensat(f, new long[] {1, 123, 2, 456}, 0));
    Stat s = sys.stat(f);
    c.equal("ns atime", 1_000_000_123L, s.atimeNs());
    c.equal("ns mtime", 2_000_000_456L, s.mtimeNs());
    c.check("utimensat moves ctime to now", s.ctimeNs() >= last);
  }

  @Test
  void directoryTimesFollowTheirEntries() {
    Path d = mkdir("d", 0777);
    sys.utimensat(d, new long[] {100, 0, 100, 0}, 0);
    c.expect(OK, () -> sys.writeFile(d.resolve("f"), "x", 0644));
    c.check("create moves dir mtime", sys.stat(d).mtimeNs() > OLD);
    sys.utimensat(d, new long[] {100, 0, 100, 0}, 0);
    int fd = sys.open(d.resolve("f"), O_WRONLY);
    sys.pwrite(fd, "yy".getBytes(), 0);
    sys.close(fd);
    c.equal("writing a file leaves its directory alone", OLD, sys.stat(d).mtimeNs());
    c.expect(OK, () -> sys.setxattr(d, "user.x", "1".getBytes(), 0));
    c.equal("xattr on the dir leaves mtime", OLD, sys.stat(d).mtimeNs());
  }
}
