package io.stratafs.posix.conformance;

import static io.stratafs.posix.conformance.Syscalls.*;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Base of one operation group: a fresh world-writable directory per test, a {@link Checks} per
 * test that fails the test at its end if any case failed, and the report after the class.
 */
@Timeout(120)
public abstract class ConformanceTest {
  @RegisterExtension static final ConformanceMount FS = new ConformanceMount();

  protected final Syscalls sys = Syscalls.SYS;
  protected Checks c;
  protected Path dir;

  /** The row of the report this class counts into: chmod, rename, ... */
  protected abstract String category();

  @BeforeEach
  void setUpCase(TestInfo info) {
    c = new Checks(category());
    dir = FS.newDir(category() + "-" + info.getTestMethod().map(m -> m.getName()).orElse("t"));
  }

  @AfterEach
  void verifyCases() {
    c.assertAllPassed();
  }

  @AfterAll
  static void publishReport() {
    Report.publish();
  }

  protected Path p(String name) {
    return dir.resolve(name);
  }

  /** Creates a regular file with {@code mode} (as root unless called inside a Cred) and content. */
  protected Path file(String name, int mode) {
    Path f = p(name);
    int rc = sys.writeFile(f, "data", mode);
    if (rc != 0 || sys.chmod(f, mode) != 0) {
      throw new IllegalStateException("create " + f + ": " + Errno.name(-rc));
    }
    return f;
  }

  protected Path mkdir(String name, int mode) {
    Path d = p(name);
    if (sys.mkdir(d, mode) != 0 || sys.chmod(d, mode) != 0) {
      throw new IllegalStateException("mkdir " + d);
    }
    return d;
  }

  /** chown as root, failing loudly: fixture set-up, not a case. */
  protected Path own(Path path, Cred who) {
    if (sys.lchown(path, who.uid(), who.gid()) != 0) {
      throw new IllegalStateException("chown " + path);
    }
    return path;
  }

  protected int mode(Path path) {
    return sys.lstat(path).perm();
  }

  protected int open(Path path, int flags) {
    return sys.open(path, flags, 0644);
  }

  protected static int closeOk(int fd) {
    return fd >= 0 ? SYS.close(fd) : fd;
  }
}
