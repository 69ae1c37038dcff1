package io.stratafs.fuse.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real mounts over /dev/fuse with {@link MemoryVfs}; skipped unless root with /dev/fuse. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FuseMountTest {
  @TempDir Path tmp;
  private Path mnt;
  private MemoryVfs vfs;
  private FuseMount mount;

  static boolean canMount() {
    Path dev = Path.of(FuseDevice.PATH);
    return Files.isReadable(dev) && Files.isWritable(dev) && Syscalls.libc().getuid() == 0;
  }

  @BeforeEach
  void mount() throws IOException {
    assumeTrue(canMount(), "needs root and a readable/writable /dev/fuse");
    mnt = Files.createDirectory(tmp.resolve("mnt"));
    vfs = new MemoryVfs();
    mount = FuseMount.mount(vfs, FuseMountOptions.defaults(mnt));
  }

  @AfterEach
  void unmount() {
    if (mount != null) {
      mount.close();
    }
    if (mnt != null && FuseMount.isMounted(mnt)) {
      Syscalls.libc().umount2(mnt.toString(), Syscalls.MNT_DETACH);
    }
  }

  private static String sh(Path cwd, String script) throws Exception {
    Process p =
        new ProcessBuilder("sh", "-c", script).directory(cwd.toFile()).redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    // Bounded: a hang fails the test instead of blocking the suite.
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("shell command timed out: " + script);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new AssertionError("'" + script + "' exited " + p.exitValue() + ": " + out);
    }
    return out.trim();
  }

  @Test
  void mountIsVisibleAndInitNegotiated() {
    assertThat(FuseMount.isMounted(mnt)).isTrue();
    InitCodec.InitOut init = mount.stats() != null ? sessionInit() : null;
    assertThat(init).isNotNull();
    assertThat(init.has(FuseConstants.MAX_PAGES)).isTrue();
    assertThat(init.minor()).isBetween(FuseConstants.MINIMUM_MINOR, FuseConstants.IMPLEMENTED_MINOR);
  }

  private InitCodec.InitOut sessionInit() {
    try {
      var f = FuseMount.class.getDeclaredField("session");
      f.setAccessible(true);
      return ((FuseSession) f.get(mount)).init();
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void randomWritesAndReadsOfFiveMiB() throws Exception {
    int size = 5 << 20;
    byte[] model = new byte[size];
    Random rnd = new Random(42);
    Path f = mnt.resolve("big.bin");
    try (FileChannel ch =
        FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      // Sequential fill first, then random overwrites of random sizes up to 1 MiB + 3 bytes.
      byte[] chunk = new byte[1 << 20];
      for (int off = 0; off < size; off += chunk.length) {
        rnd.nextBytes(chunk);
        System.arraycopy(chunk, 0, model, off, chunk.length);
        ch.write(ByteBuffer.wrap(chunk), off);
      }
      for (int i = 0; i < 40; i++) {
        int len = 1 + rnd.nextInt((1 << 20) + 3);
        int off = rnd.nextInt(size - len);
        byte[] data = new byte[len];
        rnd.nextBytes(data);
        System.arraycopy(data, 0, model, off, len);
        ch.write(ByteBuffer.wrap(data), off);
      }
      for (int i = 0; i < 40; i++) {
        int len = 1 + rnd.nextInt(300_000);
        int off = rnd.nextInt(size - len);
        ByteBuffer got = ByteBuffer.allocate(len);
        while (got.hasRemaining()) {
          assertThat(ch.read(got, off + got.position())).isPositive();
        }
        byte[] want = java.util.Arrays.copyOfRange(model, off, off + len);
        assertThat(got.array()).isEqualTo(want);
      }
    }
    assertThat(Files.size(f)).isEqualTo(size);
    assertThat(Files.readAllBytes(f)).isEqualTo(model);
    // The same bytes through cat and dd (a page-cache-free read with iflag=direct is not needed).
    String sum = sh(mnt, "cat big.bin | md5sum | cut -d' ' -f1");
    assertThat(sum).isEqualTo(md5(model));
    sh(mnt, "dd if=/dev/zero of=big.bin bs=4096 count=2 seek=3 conv=notrunc status=none");
    java.util.Arrays.fill(model, 3 * 4096, 5 * 4096, (byte) 0);
    assertThat(sh(mnt, "md5sum < big.bin | cut -d' ' -f1")).isEqualTo(md5(model));
  }

  private static String md5(byte[] data) throws Exception {
    byte[] d = java.security.MessageDigest.getInstance("MD5").digest(data);
    StringBuilder b = new StringBuilder();
    for (byte x : d) {
      b.append(String.format("%02x", x));
    }
    return b.toString();
  }

  @Test
  void readdirOfTwoThousandEntries() throws Exception {
    Path dir = Files.createDirectory(mnt.resolve("many"));
    Set<String> want = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      String name = "entry-" + i + "-" + "x".repeat(i % 50);
      Files.createFile(dir.resolve(name));
      want.add(name);
    }
    Set<String> got = new HashSet<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> got.add(p.getFileName().toString()));
    }
    assertThat(got).isEqualTo(want);
    assertThat(sh(mnt, "ls -f many | wc -l")).isEqualTo("2002");
    assertThat(sh(mnt, "ls -l many | grep -c '^-'")).isEqualTo("2000");
    assertThat(mount.stats().calls("READDIRPLUS") + mount.stats().calls("READDIR")).isPositive();
  }

  @Test
  void namespaceOpsThroughTheShell() throws Exception {
    sh(mnt, "mkdir -p a/b/c && echo hello > a/b/c/f && mv a/b/c/f a/g && ln -s g a/s"
        + " && ln a/g a/h");
    assertThat(Files.readString(mnt.resolve("a/g"))).isEqualTo("hello\n");
    assertThat(Files.readSymbolicLink(mnt.resolve("a/s")).toString()).isEqualTo("g");
    assertThat(Files.readString(mnt.resolve("a/s"))).isEqualTo("hello\n");
    assertThat(sh(mnt, "stat -c %h a/g")).isEqualTo("2");
    assertThat(sh(mnt, "cat a/h")).isEqualTo("hello");
    assertThat(Files.exists(mnt.resolve("a/b/c/f"))).isFalse();
    sh(mnt, "truncate -s 3 a/g");
    assertThat(Files.readString(mnt.resolve("a/h"))).isEqualTo("hel");
    try (FileChannel ch = FileChannel.open(mnt.resolve("a/g"), StandardOpenOption.WRITE)) {
      ch.truncate(1);
    }
    assertThat(Files.size(mnt.resolve("a/h"))).isEqualTo(1);
    sh(mnt, "chmod 600 a/g && touch -d '2001-02-03 04:05:06.123456789' a/g");
    assertThat(sh(mnt, "stat -c '%a %Y' a/g")).isEqualTo("600 981173106");
    Files.move(mnt.resolve("a/g"), mnt.resolve("a/b/moved"));
    assertThat(Files.readString(mnt.resolve("a/b/moved"))).isEqualTo("h");
    sh(mnt, "rm -r a");
    assertThat(Files.exists(mnt.resolve("a"))).isFalse();
    try (Stream<Path> s = Files.list(mnt)) {
      assertThat(s.count()).isZero();
    }
  }

  @Test
  void errorsReachTheApplication() throws Exception {
    assertThatThrownBy(() -> Files.readAllBytes(mnt.resolve("missing")))
        .isInstanceOf(NoSuchFileException.class);
    Files.createDirectory(mnt.resolve("d"));
    assertThatThrownBy(() -> Files.createDirectory(mnt.resolve("d")))
        .isInstanceOf(FileAlreadyExistsException.class);
    Files.writeString(mnt.resolve("d/f"), "x");
    assertThatThrownBy(() -> Files.createFile(mnt.resolve("d/f")))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThatThrownBy(() -> Files.delete(mnt.resolve("d")))
        .isInstanceOf(DirectoryNotEmptyException.class);
    assertThatThrownBy(() -> Files.delete(mnt.resolve("d/nope")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void extendedAttributes() throws Exception {
    Path f = Files.writeString(mnt.resolve("x"), "data");
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
    byte[] big = new byte[3000];
    new Random(1).nextBytes(big);
    view.write("color", ByteBuffer.wrap("blue".getBytes(StandardCharsets.UTF_8)));
    view.write("blob", ByteBuffer.wrap(big));
    assertThat(view.list()).containsExactlyInAnyOrder("color", "blob");
    assertThat(view.size("blob")).isEqualTo(3000);
    ByteBuffer got = ByteBuffer.allocate(view.size("color"));
    view.read("color", got);
    assertThat(new String(got.array(), StandardCharsets.UTF_8)).isEqualTo("blue");
    ByteBuffer gotBig = ByteBuffer.allocate(3000);
    view.read("blob", gotBig);
    assertThat(gotBig.array()).isEqualTo(big);
    view.delete("color");
    assertThat(view.list()).containsExactly("blob");
    assertThatThrownBy(() -> view.read("color", ByteBuffer.allocate(10)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void statfsThroughFileStore() throws Exception {
    FileStore store = Files.getFileStore(mnt);
    assertThat(store.getTotalSpace()).isEqualTo(MemoryVfs.CAPACITY_BYTES);
    assertThat(store.type()).startsWith("fuse");
    Files.write(mnt.resolve("f"), new byte[1 << 20]);
    assertThat(store.getUsableSpace()).isEqualTo(MemoryVfs.CAPACITY_BYTES - (1 << 20));
  }

  @Test
  void lookupsAreForgottenAfterDropCaches() throws Exception {
    Path f = Files.writeString(mnt.resolve("f"), "x");
    long ino = (Long) Files.getAttribute(f, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    assertThat(mount.lookupCount(ino)).isPositive();
    Files.delete(f);
    // Dropping the dentry cache makes the kernel FORGET the unlinked inode.
    Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "2");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> mount.lookupCount(ino) == 0);
    assertThat(vfs.forgottenCount(ino)).isPositive();
  }

  @Test
  void closeUnmountsAndClosesTheVfs() throws Exception {
    Files.writeString(mnt.resolve("f"), "x");
    mount.close();
    mount.close(); // idempotent
    assertThat(FuseMount.isMounted(mnt)).isFalse();
    assertThat(vfs.closed).isTrue();
    mount.awaitUnmounted();
    assertThat(Files.exists(mnt.resolve("f"))).isFalse();
  }

  @Test
  void externalUmountEndsTheSession() throws Exception {
    sh(tmp, "umount " + mnt);
    mount.awaitUnmounted();
    assertThat(FuseMount.isMounted(mnt)).isFalse();
  }

  @Test
  void busyMountIsDetachedOnClose() throws Exception {
    Files.writeString(mnt.resolve("f"), "x");
    FileChannel open = FileChannel.open(mnt.resolve("f"), StandardOpenOption.READ);
    try {
      mount.close();
      assertThat(FuseMount.isMounted(mnt)).isFalse();
      // The detached session was aborted: the workers are gone and the Vfs is closed.
      mount.awaitUnmounted();
      assertThat(vfs.closed).isTrue();
      assertThatThrownBy(() -> open.read(ByteBuffer.allocate(1), 0))
          .isInstanceOf(IOException.class);
    } finally {
      // close(2) flushes through the aborted connection and reports ENOTCONN: expected here.
      assertThatThrownBy(open::close).hasMessageContaining("not connected");
    }
  }

  @Test
  void clearStaleDetachesAMountWhoseServerIsGone() throws Exception {
    mount.close();
    mount = null;
    // A "killed client": mounted, then every /dev/fuse descriptor closed without unmounting.
    FuseDevice dev = FuseDevice.open();
    String data = FuseMount.mountData(dev.fd(), FuseMountOptions.defaults(mnt), 0, 0);
    assertThat(Syscalls.libc().mount("strata", mnt.toString(), FuseMount.FS_TYPE,
        Syscalls.MS_NOSUID | Syscalls.MS_NODEV, data)).isZero();
    dev.close();
    assertThat(FuseMount.isMounted(mnt)).isTrue();
    assertThatThrownBy(() -> Files.readAttributes(mnt, "unix:*"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not connected");
    assertThat(FuseMount.clearStale(mnt)).isTrue();
    assertThat(FuseMount.isMounted(mnt)).isFalse();
    assertThat(FuseMount.clearStale(mnt)).isFalse();
  }

  @Test
  void clearStaleLeavesALiveMountAlone() {
    assertThat(FuseMount.clearStale(mnt)).isFalse();
    assertThat(FuseMount.isMounted(mnt)).isTrue();
  }
}
