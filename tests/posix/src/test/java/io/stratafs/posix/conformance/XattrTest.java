package io.stratafs.posix.conformance;

import static io.stratafs.posix.conformance.Errno.*;
import static io.stratafs.posix.conformance.Syscalls.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** setxattr(2) family: namespaces, flags, sizes, permissions. */
class XattrTest extends ConformanceTest {
  @Override
  protected String category() {
    return "xattr";
  }

  @Test
  void setGetListRemoveWithFlags() {
    Path f = file("f", 0644);
    c.expect(OK, () -> sys.setxattr(f, "user.a", "one".getBytes(), 0));
    c.equal("get", "one", sys.getxattrString(f, "user.a"));
    c.expect(EEXIST, () -> sys.setxattr(f, "user.a", "two".getBytes(), XATTR_CREATE));
    c.expect(OK, () -> sys.setxattr(f, "user.a", "two".getBytes(), XATTR_REPLACE));
    c.equal("replaced", "two", sys.getxattrString(f, "user.a"));
    c.expect(ENODATA, () -> sys.setxattr(f, "user.b", "x".getBytes(), XATTR_REPLACE));
    c.expect(OK, () -> sys.setxattr(f, "user.empty", new byte[0], XATTR_CREATE));
    c.equal("empty value", 0, sys.getxattr(f, "user.empty", 16));
    c.equal("size query", 3, sys.getxattr(f, "user.a", 0));
    c.expect(ERANGE, () -> sys.getxattr(f, "user.a", 2));
    c.equal("list size", "user.a\0user.empty\0".length(), sys.listxattr(f, 0));
    c.expect(ERANGE, () -> sys.listxattr(f, 3));
    c.expect(ENODATA, () -> sys.getxattr(f, "user.missing", 16));
    c.expect(OK, () -> sys.removexattr(f, "user.a"));
    c.expect(ENODATA, () -> sys.removexattr(f, "user.a"));
    c.expect(ENODATA, () -> sys.getxattr(f, "user.a", 16));
    c.expect(ENOENT, () -> sys.setxattr(p("missing"), "user.a", "x".getBytes(), 0));
  }

  @Test
  void sizesAndNames() {
    Path f = file("f", 0644);
    c.expect(OK, () -> sys.setxattr(f, "user." + "n".repeat(250), "x".getBytes(), 0));
    c.expect(ERANGE, () -> sys.setxattr(f, "user." + "n".repeat(251), "x".getBytes(), 0));
    c.expect(OK, () -> sys.setxattr(f, "user.big", new byte[65536], 0));
    c.equal("64 KiB value", 65536, sys.getxattr(f, "user.big", 65536));
    c.expect(E2BIG, () -> sys.setxattr(f, "user.huge", new byte[65537], 0));
    c.expect(EOPNOTSUPP, () -> sys.setxattr(f, "nonamespace", "x".getBytes(), 0));
    c.expect(EOPNOTSUPP, () -> sys.setxattr(f, "bogus.x", "x".getBytes(), 0));
    c.expect("a namespace without a name", EINVAL, () -> sys.setxattr(f, "user.", "x".getBytes(), 0));
    c.expect(OK, () -> sys.setxattr(f, "trusted.t", "x".getBytes(), 0));
    c.expect(OK, () -> sys.setxattr(f, "security.s", "x".getBytes(), 0));
    sys.utimensat(f, new long[] {100, 0, 100, 0}, 0);
    c.expect(OK, () -> sys.setxattr(f, "user.c", "x".getBytes(), 0));
    c.check("setxattr updates ctime", sys.stat(f).ctimeNs() > 100_000_000_000L);
    c.equal("but not mtime", 100_000_000_000L, sys.stat(f).mtimeNs());
  }

  @Test
  void permissionsAndFileTypes() {
    Path f = file("f", 0644);
    sys.setxattr(f, "user.a", "x".getBytes(), 0);
    c.expectAs(Cred.NOBODY, "read with read permission", OK, () -> sys.getxattr(f, "user.a", 16));
    c.expectAs(Cred.NOBODY, "write without write permission", EACCES, () -> sys.setxattr(f, "user.b", "x".getBytes(), 0));
    c.expectAs(Cred.NOBODY, "remove without write permission", EACCES, () -> sys.removexattr(f, "user.a"));
    c.expectAs(Cred.NOBODY, "trusted.* needs CAP_SYS_ADMIN", EPERM, () -> sys.setxattr(f, "trusted.t", "x".getBytes(), 0));
    sys.setxattr(f, "trusted.t", "x".getBytes(), 0);
    c.equal("root lists trusted.*", "user.a\0trusted.t\0".length(), sys.listxattr(f, 0));
    c.equal("others do not see trusted.*", "user.a\0".length(), Cred.NOBODY.call(() -> sys.listxattr(f, 0)));
    sys.chmod(f, 0600);
    c.expectAs(Cred.NOBODY, "read without read permission", EACCES, () -> sys.getxattr(f, "user.a", 16));
    sys.symlink("f", p("l"));
    c.expect("user.* on a symlink", EPERM, () -> sys.lsetxattr(p("l"), "user.a", "x".getBytes(), 0));
    c.expect("trusted.* on a symlink", OK, () -> sys.lsetxattr(p("l"), "trusted.a", "x".getBytes(), 0));
    sys.mkfifo(p("fifo"), 0666);
    c.expect("user.* on a fifo", EPERM, () -> sys.setxattr(p("fifo"), "user.a", "x".getBytes(), 0));
    Path d = mkdir("d", 0755);
    c.expect("user.* on a directory", OK, () -> sys.setxattr(d, "user.a", "x".getBytes(), 0));
    Path sticky = mkdir("sticky", 01777);
    c.expectAs(Cred.NOBODY, "user.* on another's sticky directory", EPERM,
        () -> sys.setxattr(sticky, "user.a", "x".getBytes(), 0));
  }
}
