package io.stratafs.posix.conformance;

import static io.stratafs.posix.conformance.Errno.*;
import static io.stratafs.posix.conformance.Syscalls.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** mkfifo(3), mknod(2) and bound unix sockets: special files (pjdfstest tests/mkfifo, tests/mknod). */
class MknodTest extends ConformanceTest {
  @Override
  protected String category() {
    return "mknod";
  }

  private static long makedev(int major, int minor) {
    return ((long) major << 8) | minor;
  }

  @Test
  void fifosAreCreatedAndWorkThroughTheKernel() {
    c.expect(OK, () -> Cred.ROOT.call(022, () -> sys.mkfifo(p("fifo"), 0666)));
    Stat s = sys.lstat(p("fifo"));
    c.equal("type", Stat.S_IFIFO, s.type());
    c.mode("mode less umask", 0644, s.perm());
    c.expect(EEXIST, () -> sys.mkfifo(p("fifo"), 0644));
    c.expect(ENOENT, () -> sys.mkfifo(p("missing/fifo"), 0644));
    c.expect(ENAMETOOLONG, () -> sys.mkfifo(p(Syscalls.name(256)), 0644));
    // A FIFO is served by the kernel: a writer without a reader gets ENXIO in non-blocking mode.
    c.expect(ENXIO, () -> sys.open(p("fifo"), O_WRONLY | O_NONBLOCK));
    int r = sys.open(p("fifo"), O_RDONLY | O_NONBLOCK);
    c.check("reader opens", r >= 0);
    int w = sys.open(p("fifo"), O_WRONLY | O_NONBLOCK);
    c.check("writer opens", w >= 0);
    c.expect(OK, () -> sys.write(w, "ping"));
    c.equal("read back", 4, sys.read(r, 16));
    sys.close(w);
    sys.close(r);
    c.equal("size stays 0", 0L, sys.lstat(p("fifo")).size());
    Path ro = mkdir("ro", 0555);
    c.expectAs(Cred.NOBODY, EACCES, () -> sys.mkfifo(ro.resolve("f"), 0644));
    c.expectAs(Cred.NOBODY, OK, () -> sys.mkfifo(p("nobodys"), 0600));
    c.equal("fifo owner", 65534, sys.lstat(p("nobodys")).uid());
  }

  @Test
  void deviceNodesKeepTheirNumbersButOpenIsRefusedOnANodevMount() {
    c.expect(OK, () -> sys.mknod(p("null"), Stat.S_IFCHR | 0666, makedev(1, 3)));
    Stat s = sys.lstat(p("null"));
    c.equal("char device", Stat.S_IFCHR, s.type());
    c.equal("rdev", makedev(1, 3), s.rdev());
    c.expect(OK, () -> sys.mknod(p("blk"), Stat.S_IFBLK | 0600, makedev(8, 1)));
    c.equal("block device", Stat.S_IFBLK, sys.lstat(p("blk")).type());
    c.equal("block rdev", makedev(8, 1), sys.lstat(p("blk")).rdev());
    // The mount is nodev (a FUSE server must not hand out devices): opening one is EACCES.
    c.expect(EACCES, () -> sys.open(p("null"), O_RDONLY));
    c.expectAs(Cred.NOBODY, EPERM, () -> sys.mknod(p("dev2"), Stat.S_IFCHR | 0666, makedev(1, 3)));
    c.expect(OK, () -> sys.mknod(p("reg"), Stat.S_IFREG | 0640, 0));
    c.equal("mknod of a regular file", Stat.S_IFREG, sys.lstat(p("reg")).type());
    c.expectAs(Cred.NOBODY, OK, () -> sys.mknod(p("fifo2"), Stat.S_IFIFO | 0600, 0));
    c.expect(OK, () -> sys.mknod(p("sock"), Stat.S_IFSOCK | 0600, 0));
    c.equal("mknod socket", Stat.S_IFSOCK, sys.lstat(p("sock")).type());
    c.expect(EINVAL, () -> sys.mknod(p("bad"), 0170000 | 0600, 0));
    c.expect(EEXIST, () -> sys.mknod(p("null"), Stat.S_IFCHR | 0666, makedev(1, 3)));
    c.expect(EPERM, () -> sys.mknod(p("dir"), Stat.S_IFDIR | 0755, 0));
  }

  @Test
  void unixSocketsBindOnTheMount() {
    c.expect(OK, () -> sys.bindUnixSocket(p("s")));
    c.equal("socket type", Stat.S_IFSOCK, sys.lstat(p("s")).type());
    c.expect("second bind", EADDRINUSE, () -> sys.bindUnixSocket(p("s")));
    c.expect(OK, () -> sys.unlink(p("s")));
  }
}
