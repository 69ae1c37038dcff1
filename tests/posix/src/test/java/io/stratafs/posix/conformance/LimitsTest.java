package io.stratafs.posix.conformance;

import static io.stratafs.posix.conformance.Errno.*;
import static io.stratafs.posix.conformance.Syscalls.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Name and path limits: NAME_MAX 255 bytes everywhere, statfs f_namelen, bytes that are not UTF-8-safe. */
class LimitsTest extends ConformanceTest {
  @Override
  protected String category() {
    return "limits";
  }

  @Test
  void statfsReportsTheNameLimit() {
    c.equal("f_namelen", 255L, sys.statfsNameMax(dir));
  }

  @Test
  void theMountIsNosuidNodevNoatime() throws Exception {
    String mounts = java.nio.file.Files.readString(Path.of("/proc/self/mounts"));
    String line = mounts.lines().filter(l -> l.split(" ")[1].equals(FS.mnt().toString())).findFirst().orElse("");
    String opts = line.isEmpty() ? "" : line.split(" ")[3];
    for (String o : new String[] {"nosuid", "nodev", "noatime"}) {
      c.check("mount option " + o + " in " + opts, java.util.Arrays.asList(opts.split(",")).contains(o));
    }
  }

  @Test
  void nameMaxIsEnforcedByEveryOperationAndLookup() {
    String n255 = Syscalls.name(255);
    String n256 = Syscalls.name(256);
    for (int len : new int[] {256, 300, 1024, 1100}) {
      String n = Syscalls.name(len);
      c.expect("lookup " + len, ENAMETOOLONG, () -> sys.statRc(p(n)));
      c.expect("create " + len, ENAMETOOLONG, () -> sys.open(p(n), O_CREAT | O_WRONLY, 0644));
    }
    c.expect(OK, () -> closeOk(sys.open(p(n255), O_CREAT | O_WRONLY, 0644)));
    c.expect(OK, () -> sys.statRc(p(n255)));
    c.expect(ENAMETOOLONG, () -> sys.mkfifo(p(n256), 0644));
    c.expect(ENAMETOOLONG, () -> sys.symlink("t", p(n256)));
    c.expect(ENAMETOOLONG, () -> sys.rmdir(p(n256)));
    c.expect(OK, () -> sys.mkdir(p("d" + n255.substring(1)), 0755));
    // Names are bytes: UTF-8 of 85 three-byte characters is exactly 255 bytes.
    String wide = "\u20ac".repeat(85);
    c.expect(OK, () -> closeOk(sys.open(p(wide), O_CREAT | O_WRONLY, 0644)));
    c.expect(ENAMETOOLONG, () -> sys.open(p(wide + "x"), O_CREAT | O_WRONLY, 0644));
  }
}
