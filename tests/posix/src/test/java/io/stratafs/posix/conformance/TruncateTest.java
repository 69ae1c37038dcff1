package io.stratafs.posix.conformance;

import static io.stratafs.posix.conformance.Errno.*;
import static io.stratafs.posix.conformance.Syscalls.*;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** truncate(2) and ftruncate(2) (pjdfstest tests/truncate, tests/ftruncate). */
class TruncateTest extends ConformanceTest {
  @Override
  protected String category() {
    return "truncate";
  }

  @Test
  void growsWithZerosAndShrinks() {
    Path f = file("f", 0644);
    c.expect(OK, () -> sys.truncate(f, 3 * (1 << 20) + 5));
    c.equal("grown", 3L * (1 << 20) + 5, sys.stat(f).size());
    int fd = sys.open(f, O_RDONLY);
    c.equal("old bytes stay", "data", new String(sys.pread(fd, 4, 0)));
    c.check("new bytes are zeros", Arrays.equals(new byte[16], sys.pread(fd, 16, 2L << 20)));
    sys.close(fd);
    c.expect(OK, () -> sys.truncate(f, 2));
    c.equal("shrunk", 2L, sys.stat(f).size());
    c.expect(OK, () -> sys.truncate(f, 10));
    int fd2 = sys.open(f, O_RDONLY);
    c.check("cut bytes do not come back", Arrays.equals(new byte[] {'d', 'a', 0, 0, 0, 0, 0, 0, 0, 0}, sys.pread(fd2, 10, 0)));
    sys.close(fd2);
    c.expect(OK, () -> sys.truncate(f, 5L << 30));
    c.equal("past 4 GiB", 5L << 30, sys.stat(f).size());
    c.expect(OK, () -> sys.truncate(f, 0));
  }

  @Test
  void timesChangeEvenForTheSameSize() {
    Path f = file("f", 0644);
    sys.utimensat(f, new long[] {100, 0, 100, 0}, 0);
    c.expect(OK, () -> sys.truncate(f, 4));
    Stat s = sys.stat(f);
    c.check("mtime advanced", s.mtimeNs() > 100_000_000_000L);
    c.check("ctime advanced", s.ctimeNs() > 100_000_000_000L);
    c.equal("atime kept", 100_000_000_000L, s.atimeNs());
  }

  @Test
  void errorsAndPermissions() {
    Path f = file("f", 0644);
    Path d = mkdir("d", 0755);
    c.expect(EISDIR, () -> sys.truncate(d, 0));
    c.expect(ENOENT, () -> sys.truncate(p("missing"), 0));
    c.expect(ENOTDIR, () -> sys.truncate(p("f/x"), 0));
    c.expect(EINVAL, () -> sys.truncate(f, -1));
    c.expect(ENAMETOOLONG, () -> sys.truncate(p(Syscalls.name(256)), 0));
    c.expectAs(Cred.NOBODY, EACCES, () -> sys.truncate(f, 0));
    sys.chmod(f, 0666);
    c.expectAs(Cred.NOBODY, OK, () -> sys.truncate(f, 1));
    c.expect(OK, () -> sys.mkfifo(p("fifo"), 0666));
    c.expect(EINVAL, () -> sys.truncate(p("fifo"), 0));
    c.expect(OK, () -> sys.symlink("f", p("l")));
    c.expect(OK, () -> sys.truncate(p("l"), 3));
    c.equal("through a link", 3L, sys.stat(f).size());
    // Past the maximum file size: EFBIG.
    c.expect(EFBIG, () -> sys.truncate(f, Long.MAX_VALUE));
    c.expect(EFBIG, () -> sys.truncate(f, (1L << 44) + 1));
    c.expect("exactly the maximum file size", OK, () -> sys.truncate(f, 1L << 44));
    c.expect(OK, () -> sys.truncate(f, 0));
  }

  @Test
  void ftruncateUsesTheDescriptorsAccessMode() {
    Path f = own(file("f", 0644), Cred.NOBODY);
    int ro = sys.open(f, O_RDONLY);
    c.expect(EINVAL, () -> sys.ftruncate(ro, 0));
    sys.close(ro);
    c.expect(EBADF, () -> sys.ftruncate(ro, 0));
    // Opened for writing, then made read-only: the descriptor keeps its right to truncate.
    int w = Cred.NOBODY.call(() -> {
      int fd = sys.open(f, O_WRONLY);
      sys.chmod(f, 0444);
      int r = sys.ftruncate(fd, 1);
      int r2 = sys.ftruncate(fd, 1 << 20);
      sys.close(fd);
      return r < 0 ? r : r2;
    });
    c.equal("ftruncate on a 0444 file through a writable descriptor", 0, w);
    c.equal("size", 1L << 20, sys.stat(f).size());
    int fd = sys.open(f, O_RDWR);
    c.expect(EINVAL, () -> sys.ftruncate(fd, -1));
    c.expect(OK, () -> sys.pwrite(fd, "abc".getBytes(), 0));
    c.expect(OK, () -> sys.ftruncate(fd, 2));
    c.equal("fstat size", 2L, sys.fstat(fd).size());
    c.equal("reads the cut file", "ab", new String(sys.pread(fd, 16, 0)));
    c.expect(OK, () -> sys.pwrite(fd, "z".getBytes(), 5));
    c.equal("write after shrink leaves a zero gap", "ab\0\0\0z", new String(sys.pread(fd, 16, 0)));
    sys.close(fd);
  }
}
