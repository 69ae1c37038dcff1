package io.stratafs.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shared writable mmap and fallocate(1) on a real mount (chunks are 1 MiB, so ranges cross chunk
 * boundaries). A second mount of the same cluster (another client, its own session) checks that
 * the bytes reached storage, not only this client's caches.
 */
@Timeout(300)
class MmapAndFallocateTest {
  @RegisterExtension static final MountedClusterExtension FS = new MountedClusterExtension();

  private static Path mountB;

  @BeforeAll
  static void secondMount() throws Exception {
    mountB = FS.cluster().mount(FS.base().resolve("mnt-b"));
  }

  /** The same path seen through the second client. */
  private static Path onB(Path onA) {
    return mountB.resolve(FS.mnt().relativize(onA));
  }

  @Test
  void sharedWritableMmapReachesTheFileForAnotherClientAfterMsyncAndClose() throws Exception {
    assumeTrue(Shell.has("python3"), "python3 is not installed");
    Path f = FS.newDir("mmap").resolve("mapped.bin");
    int size = 3 << 20;
    String py =
        """
        import mmap, os, sys
        fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
        size = int(sys.argv[2])
        os.ftruncate(fd, size)
        m = mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        for i in range(0, size, 4096):
            m[i:i + 8] = i.to_bytes(8, 'little')
        m[size - 5:size] = b'tail!'
        m.flush()
        m.close()
        os.close(fd)
        """;
    Shell.ok(f.getParent(), "python3", "-c", py, f.toString(), Integer.toString(size));

    for (Path p : new Path[] {onB(f), f}) {
      byte[] got = Files.readAllBytes(p);
      assertThat(got.length).as("size through %s", p).isEqualTo(size);
      ByteBuffer b = ByteBuffer.wrap(got).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < size - 4096; i += 4096) {
        assertThat(b.getLong(i)).as("page at %d through %s", i, p).isEqualTo(i);
      }
      assertThat(new String(got, size - 5, 5)).isEqualTo("tail!");
    }
  }

  @Test
  void fallocateGrowsTheSizeWithZeros() throws Exception {
    assumeTrue(Shell.has("fallocate"), "util-linux fallocate is not installed");
    Path dir = FS.newDir("falloc");
    Shell.ok(dir, "fallocate", "-l", "5M", "grown.bin");
    assertThat(Files.size(onB(dir.resolve("grown.bin")))).isEqualTo(5 << 20);
    assertThat(Files.readAllBytes(dir.resolve("grown.bin"))).containsOnly(0);

    // Inside the size: nothing changes.
    Files.write(dir.resolve("small.bin"), "hello".getBytes());
    Shell.ok(dir, "fallocate", "-o", "1", "-l", "3", "small.bin");
    assertThat(Files.readAllBytes(onB(dir.resolve("small.bin")))).isEqualTo("hello".getBytes());
  }

  @Test
  void fallocateKeepSizeLeavesSizeAndBytes() throws Exception {
    assumeTrue(Shell.has("fallocate"), "util-linux fallocate is not installed");
    Path dir = FS.newDir("keep");
    Files.write(dir.resolve("k.bin"), "0123456789".getBytes());
    Shell.ok(dir, "fallocate", "-n", "-l", "4M", "k.bin");
    assertThat(Files.readAllBytes(dir.resolve("k.bin"))).isEqualTo("0123456789".getBytes());
    assertThat(Files.readAllBytes(onB(dir.resolve("k.bin")))).isEqualTo("0123456789".getBytes());
  }

  @Test
  void punchHoleZeroesTheRangeOnStorageAndKeepsTheSize() throws Exception {
    assumeTrue(Shell.has("fallocate"), "util-linux fallocate is not installed");
    Path dir = FS.newDir("punch");
    byte[] data = new byte[(3 << 20) + 12345];
    new Random(7).nextBytes(data);
    Files.write(dir.resolve("p.bin"), data);
    int off = 700_000;
    int len = 1_600_000; // crosses the 1 MiB chunk boundary
    Shell.ok(dir, "fallocate", "-p", "-o", Integer.toString(off), "-l", Integer.toString(len), "p.bin");
    Arrays.fill(data, off, off + len, (byte) 0);
    assertThat(Arrays.equals(Files.readAllBytes(dir.resolve("p.bin")), data)).as("through mount A").isTrue();
    assertThat(Arrays.equals(Files.readAllBytes(onB(dir.resolve("p.bin"))), data)).as("through mount B").isTrue();

    // A punch reaching past the end changes nothing past it, nor the size.
    Shell.ok(dir, "fallocate", "-p", "-o", Integer.toString(data.length - 10), "-l", "1M", "p.bin");
    Arrays.fill(data, data.length - 10, data.length, (byte) 0);
    assertThat(Arrays.equals(Files.readAllBytes(onB(dir.resolve("p.bin"))), data)).isTrue();
  }

  @Test
  void unsupportedModesAndImpossibleReservationsFailWithTheRightErrno() throws Exception {
    assumeTrue(Shell.has("fallocate"), "util-linux fallocate is not installed");
    Path dir = FS.newDir("unsupported");
    Files.write(dir.resolve("z.bin"), new byte[4096]);
    Shell.Result zero = Shell.run(dir, "fallocate", "-z", "-l", "4096", "z.bin");
    assertThat(zero.exit()).isNotZero();
    assertThat(zero.output()).contains("Operation not supported");

    Shell.Result huge = Shell.run(dir, "fallocate", "-l", "1P", "huge.bin");
    assertThat(huge.exit()).isNotZero();
    assertThat(huge.output()).contains("No space left on device");
    // The failed call did not grow the file it created.
    assertThat(Files.size(dir.resolve("huge.bin"))).isZero();

    // EOPNOTSUPP (not ENOSYS) keeps fallocate working for the supported modes afterwards.
    Shell.ok(dir, "fallocate", "-l", "8192", "z.bin");
    assertThat(Files.size(dir.resolve("z.bin"))).isEqualTo(8192);
  }
}
