package io.stratafs.posix.conformance;

import static io.stratafs.posix.conformance.Errno.*;
import static io.stratafs.posix.conformance.Syscalls.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** setuid/setgid bits cleared by writes and truncation as Linux's should_remove_suid decides. */
class PrivilegeBitsTest extends ConformanceTest {
  @Override
  protected String category() {
    return "suid-sgid";
  }

  private int writeAs(Cred who, Path f) {
    return who.call(() -> {
      int fd = sys.open(f, O_WRONLY);
      if (fd < 0) {
        return fd;
      }
      int w = sys.write(fd, "x");
      sys.close(fd);
      return w;
    });
  }

  @Test
  void anUnprivilegedWriteClearsSetuidAndExecutableSetgid() {
    Path f = file("f", 0666);
    sys.chmod(f, 06777);
    c.expect("write by a non-owner", OK, () -> writeAs(Cred.NOBODY, f));
    c.mode("suid and sgid gone", 0777, mode(f));
    Path g = own(file("g", 0666), Cred.NOBODY);
    sys.chmod(g, 04766);
    c.expect("write by the owner", OK, () -> writeAs(Cred.NOBODY, g));
    c.mode("suid gone", 0766, mode(g));
    Path h = own(file("h", 0666), Cred.NOBODY);
    sys.chmod(h, 02666);
    c.expect(OK, () -> writeAs(Cred.NOBODY, h));
    c.mode("sgid without group x is a locking mark and stays", 02666, mode(h));
    Path r = file("r", 0666);
    sys.chmod(r, 06777);
    c.expect("write by root", OK, () -> writeAs(Cred.ROOT, r));
    c.mode("root (CAP_FSETID) keeps both", 06777, mode(r));
  }

  @Test
  void truncationByAnUnprivilegedUserClearsThemToo() {
    Path f = own(file("f", 0666), Cred.NOBODY);
    sys.chmod(f, 06755);
    c.expectAs(Cred.NOBODY, OK, () -> sys.truncate(f, 1));
    c.mode("truncate cleared suid/sgid", 0755, mode(f));
    Path g = own(file("g", 0666), Cred.NOBODY);
    sys.chmod(g, 04766);
    c.expectAs(Cred.NOBODY, OK, () -> {
      int fd = sys.open(g, O_WRONLY | O_TRUNC);
      return closeOk(fd);
    });
    c.mode("O_TRUNC cleared suid", 0766, mode(g));
  }
}
