package io.stratafs.fuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.MetaServerConfig;
import io.stratafs.meta.MetadataServer;
import io.stratafs.protocol.meta.Attr;
import io.stratafs.protocol.meta.SetAttrField;
import io.stratafs.storage.DeviceSpec;
import io.stratafs.storage.StorageConfig;
import io.stratafs.storage.StorageDaemon;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * StrataVfs end to end against a real ZooKeeper, metadata server and storage daemon (no kernel).
 * Chunks are 256 KiB so small files already span several chunks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class StrataVfsClusterTest {
  private static final String FS = "vfstest";
  private static final long CHUNK = 256 << 10;
  private static final int S_IFREG = 0100000;
  private static final int O_RDWR = 2;
  private static final VfsContext CTX = new VfsContext(0, 0, 1, new int[0]);

  private TestingServer zk;
  private MetadataServer meta;
  private StorageDaemon storage;
  private StrataVfs vfs;

  @BeforeAll
  void startCluster(@TempDir Path tmp) throws Exception {
    zk = new TestingServer(true);
    meta = MetadataServer.start(new MetaServerConfig("m1", tmp.resolve("meta"), zk.getConnectString(), FS, "127.0.0.1", 0, CHUNK));
    storage =
        StorageDaemon.start(
            new StorageConfig(
                "s1",
                List.of(DeviceSpec.parse("nvme:" + tmp.resolve("nvme"), "d0")),
                zk.getConnectString(),
                FS,
                "127.0.0.1",
                0,
                Map.of()));
    VfsClusters.awaitRegistered(zk.getConnectString(), FS);
    vfs = StrataVfs.connect(config());
  }

  private StrataVfsConfig config() {
    StrataVfsConfig d = StrataVfsConfig.defaults(zk.getConnectString(), FS);
    // A small write buffer makes writes flush on their own.
    return new StrataVfsConfig(
        d.zkConnect(), d.fsName(), d.clientName(), Duration.ofSeconds(10), Duration.ofSeconds(20), 300 << 10, 4);
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (vfs != null) {
      vfs.close();
    }
    if (storage != null) {
      storage.close();
    }
    if (meta != null) {
      meta.close();
    }
    if (zk != null) {
      zk.close();
    }
  }

  private static byte[] name(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aDirectorysAttributesAfterThisClientsChangesAreWhatTheServerHas() {
    long dir = vfs.mkdir(CTX, 1, name("attrs"), 0755, 022).getIno();
    Vfs.Created c = vfs.create(CTX, dir, name("a"), S_IFREG | 0644, 022, O_RDWR);
    vfs.release(CTX, c.attr().getIno(), c.fh(), 0);
    vfs.mkdir(CTX, dir, name("sub"), 0755, 022);
    Attr afterCreates = vfs.getattr(CTX, dir, -1); // what the mkdir's reply said
    try (StrataVfs other = StrataVfs.connect(config())) {
      assertThat(afterCreates).isEqualTo(other.getattr(CTX, dir, -1));
      assertThat(afterCreates.getNlink()).isEqualTo(3);
      assertThat(afterCreates.getMtimeNs()).isGreaterThanOrEqualTo(c.attr().getCtimeNs());
      vfs.unlink(CTX, dir, name("a"));
      Attr afterUnlink = vfs.getattr(CTX, dir, -1);
      assertThat(afterUnlink).isEqualTo(other.getattr(CTX, dir, -1));
      assertThat(afterUnlink.getMtimeNs()).isGreaterThan(afterCreates.getMtimeNs());
      // A change made elsewhere is seen on the next GETATTR: the entry answered once and is gone.
      other.rmdir(CTX, dir, name("sub"));
      assertThat(vfs.getattr(CTX, dir, -1).getNlink()).isEqualTo(2);
    }
  }

  @Test
  void aScanInNameOrderIsAnsweredAheadAndSeesOwnChangesAtOnceAndOthersWithinTheTimeout() throws Exception {
    long dir = vfs.mkdir(CTX, 1, name("scan"), 0755, 022).getIno();
    for (int i = 0; i < 200; i++) {
      vfs.mknod(CTX, dir, name(String.format("s%03d", i)), S_IFREG | 0644, 022, 0);
    }
    Duration ttl = Duration.ofMillis(300);
    try (StrataVfs scanner = StrataVfs.connect(config().withStatAhead(64, ttl))) {
      int ahead = 0;
      for (int i = 0; i < 100; i++) {
        Vfs.Entry e = scanner.lookupEntry(CTX, dir, name(String.format("s%03d", i)));
        assertThat(e.attr()).isEqualTo(vfs.getattr(CTX, e.attr().getIno(), -1));
        assertThat(e.ageNanos()).isLessThan(ttl.toNanos());
        ahead += e.ageNanos() > 0 ? 1 : 0;
      }
      assertThat(ahead).isGreaterThan(90);

      // A window holds s101..; the scanner's own chmod of s101 ends it at once.
      scanner.setattr(CTX, scanner.lookup(CTX, dir, name("s101")).getIno(), new SetAttrChange(SetAttrField.SET_MODE_VALUE, 0600, 0, 0, 0, 0, 0, 0), -1);
      assertThat(scanner.lookup(CTX, dir, name("s101")).getMode() & 07777).isEqualTo(0600);

      for (int i = 102; i < 110; i++) {
        scanner.lookup(CTX, dir, name(String.format("s%03d", i)));
      }
      // Another client's change is seen once the window's time is up, as the kernel's cache would.
      long victim = vfs.lookup(CTX, dir, name("s150")).getIno();
      vfs.setattr(CTX, victim, new SetAttrChange(SetAttrField.SET_MODE_VALUE, 0640, 0, 0, 0, 0, 0, 0), -1);
      Thread.sleep(ttl.toMillis() + 50);
      assertThat(scanner.lookup(CTX, dir, name("s150")).getMode() & 07777).isEqualTo(0640);
    }
  }

  /**
   * Name changes are answered before their sync (ADR 032): fsync asks the server for its barrier
   * after this mount changed a name, and not again until the next change; fsyncdir always asks.
   */
  @Test
  void fsyncAfterANameChangeAndEveryFsyncdirWaitForTheServersSync() {
    long dir = vfs.mkdir(CTX, 1, name("durable"), 0755, 022).getIno();
    Vfs.Created c = vfs.create(CTX, dir, name("f"), S_IFREG | 0644, 022, O_RDWR);
    long ino = c.attr().getIno();
    vfs.write(CTX, ino, c.fh(), 0, ByteBuffer.wrap(name("bytes")), 0);
    long before = meta.service().syncRequests();
    vfs.fsync(CTX, ino, c.fh(), false);
    assertThat(meta.service().syncRequests()).as("fsync after a create").isEqualTo(before + 1);
    vfs.fsync(CTX, ino, c.fh(), true);
    assertThat(meta.service().syncRequests()).as("fsync with no name change since").isEqualTo(before + 1);
    vfs.rename(CTX, dir, name("f"), dir, name("g"), 0);
    vfs.fsync(CTX, ino, c.fh(), true);
    assertThat(meta.service().syncRequests()).as("fsync after a rename").isEqualTo(before + 2);
    long dh = vfs.opendir(CTX, dir, 0);
    vfs.fsyncdir(CTX, dir, dh, false);
    vfs.fsyncdir(CTX, dir, dh, false);
    assertThat(meta.service().syncRequests()).as("every fsyncdir").isEqualTo(before + 4);
    vfs.releasedir(CTX, dir, dh);
    vfs.flush(CTX, ino, c.fh(), 0);
    vfs.release(CTX, ino, c.fh(), O_RDWR);
  }

  @Test
  void sessionIsOpen() {
    assertThat(vfs.sessionId()).isPositive();
  }

  @Test
  void randomWritesReadBackBeforeAndAfterFlushAndFromAnotherClient() {
    Random rnd = new Random(11);
    int size = (int) (3 * CHUNK + 12_345);
    byte[] model = new byte[size];
    Vfs.Created c = vfs.create(CTX, 1, name("random.bin"), S_IFREG | 0644, 022, O_RDWR);
    long ino = c.attr().getIno();
    // Sequential fill, then random overwrites that cross chunk boundaries.
    for (int off = 0; off < size; ) {
      int n = Math.min(size - off, 1 + rnd.nextInt(70_000));
      write(ino, c.fh(), off, model, n, rnd);
      off += n;
    }
    for (int i = 0; i < 40; i++) {
      int off = rnd.nextInt(size - 1);
      int n = 1 + rnd.nextInt(Math.min(size - off, 40_000));
      write(ino, c.fh(), off, model, n, rnd);
    }
    assertThat(vfs.getattr(CTX, ino, c.fh()).getSize()).isEqualTo(size);
    assertThat(readAll(ino, c.fh(), size + 100, 50_000)).isEqualTo(model);

    vfs.fsync(CTX, ino, c.fh(), false);
    vfs.flush(CTX, ino, c.fh(), 0);
    vfs.release(CTX, ino, c.fh(), O_RDWR);

    long fh = vfs.open(CTX, ino, 0);
    assertThat(readAll(ino, fh, size, 64 << 10)).isEqualTo(model); // sequential
    assertThat(readAll(ino, fh, size, 7_777)).isEqualTo(model);
    vfs.release(CTX, ino, fh, 0);

    try (StrataVfs other = StrataVfs.connect(config())) {
      assertThat(other.sessionId()).isNotEqualTo(vfs.sessionId());
      Attr a = other.lookup(CTX, 1, name("random.bin"));
      assertThat(a.getSize()).isEqualTo(size);
      long ofh = other.open(CTX, ino, 0);
      byte[] seen = new byte[size];
      ByteBuffer dst = ByteBuffer.wrap(seen);
      while (dst.hasRemaining()) {
        int n = other.read(CTX, ino, ofh, dst.position(), dst);
        assertThat(n).isPositive();
        dst.position(dst.position() + n);
      }
      assertThat(seen).isEqualTo(model);
      other.release(CTX, ino, ofh, 0);
    }
  }

  @Test
  void pipelinedFlushesKeepEveryByteAndFdatasyncOfAnOverwriteIsSeenByAnotherClient() {
    // Ten times the write buffer in small writes: most of it is flushed in the background while
    // later writes fill the next buffer; another handle reads all of it at any time.
    Vfs.Created c = vfs.create(CTX, 1, name("pipelined.bin"), S_IFREG | 0644, 022, O_RDWR);
    long ino = c.attr().getIno();
    long reader = vfs.open(CTX, ino, 0);
    Random rnd = new Random(11);
    int size = 3 << 20;
    byte[] model = new byte[size];
    for (int off = 0; off < size; off += 40_000) {
      write(ino, c.fh(), off, model, Math.min(40_000, size - off), rnd);
    }
    assertThat(readAll(ino, reader, size, 1 << 20)).isEqualTo(model);
    vfs.fsync(CTX, ino, c.fh(), true);

    // An overwrite inside the committed size: fdatasync may skip the metadata commit, but the
    // bytes must be durable and visible to a client that opens the file afterwards.
    write(ino, c.fh(), 1_000_000, model, 70_000, rnd);
    vfs.fsync(CTX, ino, c.fh(), true);
    try (StrataVfs other = StrataVfs.connect(config())) {
      long otherIno = other.lookup(CTX, 1, name("pipelined.bin")).getIno();
      long fh = other.open(CTX, otherIno, 0);
      ByteBuffer dst = ByteBuffer.allocate(size);
      int n = 0;
      while (n < size) {
        ByteBuffer piece = dst.duplicate().position(n);
        int got = other.read(CTX, otherIno, fh, n, piece);
        assertThat(got).isPositive();
        n += got;
      }
      assertThat(dst.array()).isEqualTo(model);
      other.release(CTX, otherIno, fh, 0);
    }
    vfs.release(CTX, ino, reader, 0);
    vfs.release(CTX, ino, c.fh(), O_RDWR);
    assertThat(vfs.getattr(CTX, ino, -1).getSize()).isEqualTo(size);
  }

  @Test
  void writesThroughOneHandleAreReadThroughAnotherBeforeAnyFlush() {
    Vfs.Created c = vfs.create(CTX, 1, name("shared.bin"), S_IFREG | 0644, 022, O_RDWR);
    long ino = c.attr().getIno();
    long reader = vfs.open(CTX, ino, 0);
    byte[] data = "read your writes".getBytes(StandardCharsets.UTF_8);
    vfs.write(CTX, ino, c.fh(), CHUNK - 4, ByteBuffer.wrap(data), 0);
    assertThat(vfs.lookup(CTX, 1, name("shared.bin")).getSize()).isEqualTo(CHUNK - 4 + data.length);
    ByteBuffer dst = ByteBuffer.allocate(data.length);
    assertThat(vfs.read(CTX, ino, reader, CHUNK - 4, dst)).isEqualTo(data.length);
    assertThat(dst.array()).isEqualTo(data);
    vfs.release(CTX, ino, reader, 0);
    vfs.release(CTX, ino, c.fh(), O_RDWR);
    assertThat(vfs.getattr(CTX, ino, -1).getSize()).isEqualTo(CHUNK - 4 + data.length);
  }

  @Test
  void holesReadAsZerosAndReadsPastEndReturnNothing() {
    Vfs.Created c = vfs.create(CTX, 1, name("sparse.bin"), S_IFREG | 0644, 022, O_RDWR);
    long ino = c.attr().getIno();
    long far = 2 * CHUNK + 100;
    assertThat(vfs.write(CTX, ino, c.fh(), far, ByteBuffer.wrap(new byte[] {7, 8, 9}), 0)).isEqualTo(3);
    vfs.flush(CTX, ino, c.fh(), 0);
    byte[] expected = new byte[(int) far + 3];
    expected[(int) far] = 7;
    expected[(int) far + 1] = 8;
    expected[(int) far + 2] = 9;
    assertThat(readAll(ino, c.fh(), expected.length, 100_000)).isEqualTo(expected);
    assertThat(vfs.read(CTX, ino, c.fh(), far + 3, ByteBuffer.allocate(10))).isZero();
    assertThat(vfs.read(CTX, ino, c.fh(), far + 1000, ByteBuffer.allocate(10))).isZero();
    vfs.release(CTX, ino, c.fh(), O_RDWR);
  }

  @Test
  void truncateDropsBufferedAndStoredBytes() {
    Vfs.Created c = vfs.create(CTX, 1, name("trunc.bin"), S_IFREG | 0644, 022, O_RDWR);
    long ino = c.attr().getIno();
    byte[] data = new byte[(int) CHUNK + 500];
    Arrays.fill(data, (byte) 5);
    vfs.write(CTX, ino, c.fh(), 0, ByteBuffer.wrap(data), 0);
    Attr a = vfs.setattr(CTX, ino, new SetAttrChange(SetAttrField.SET_SIZE_VALUE, 0, 0, 0, 1_000, 0, 0, 0), c.fh());
    assertThat(a.getSize()).isEqualTo(1_000);
    // Growing again must show zeros, not the old bytes past 1,000.
    vfs.setattr(CTX, ino, new SetAttrChange(SetAttrField.SET_SIZE_VALUE, 0, 0, 0, 3_000, 0, 0, 0), c.fh());
    byte[] got = readAll(ino, c.fh(), 3_000, 4096);
    assertThat(Arrays.copyOfRange(got, 0, 1_000)).containsOnly(5);
    assertThat(Arrays.copyOfRange(got, 1_000, 3_000)).containsOnly(0);
    vfs.release(CTX, ino, c.fh(), O_RDWR);
  }

  @Test
  void readdirListsEveryEntryOnceAcrossBatches() {
    Attr dir = vfs.mkdir(CTX, 1, name("many"), 0755, 022);
    Set<String> created = new HashSet<>();
    for (int i = 0; i < 530; i++) {
      String n = "e" + i;
      vfs.mknod(CTX, dir.getIno(), name(n), S_IFREG | 0644, 022, 0);
      created.add(n);
    }
    long fh = vfs.opendir(CTX, dir.getIno(), 0);
    List<String> seen = new ArrayList<>();
    long offset = 0;
    for (int calls = 0; calls < 1_000; calls++) {
      List<Long> next = new ArrayList<>();
      vfs.readdir(
          CTX,
          dir.getIno(),
          fh,
          offset,
          calls % 2 == 0,
          (n, ino, mode, attr, nextOffset) -> {
            if (next.size() == 100) {
              return false;
            }
            seen.add(new String(n, StandardCharsets.UTF_8));
            next.add(nextOffset);
            return true;
          });
      if (next.isEmpty()) {
        break;
      }
      offset = next.get(next.size() - 1);
    }
    vfs.releasedir(CTX, dir.getIno(), fh);
    assertThat(seen.subList(0, 2)).containsExactly(".", "..");
    assertThat(seen.subList(2, seen.size())).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(created);
  }

  @Test
  void namespaceErrorsKeepTheirCodes() {
    assertThatThrownBy(() -> vfs.lookup(CTX, 1, name("does-not-exist")))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.NOT_FOUND));
    vfs.mkdir(CTX, 1, name("twice"), 0755, 022);
    assertThatThrownBy(() -> vfs.mkdir(CTX, 1, name("twice"), 0755, 022))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.EXISTS));
    assertThatThrownBy(() -> vfs.read(CTX, 1, 999_999, 0, ByteBuffer.allocate(1)))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.BAD_HANDLE));
    Attr link = vfs.symlink(CTX, 1, name("ln"), name("target/path"));
    assertThat(new String(vfs.readlink(CTX, link.getIno()), StandardCharsets.UTF_8)).isEqualTo("target/path");
    vfs.setxattr(CTX, 1, name("user.k"), name("v"), 0);
    assertThat(new String(vfs.getxattr(CTX, 1, name("user.k")), StandardCharsets.UTF_8)).isEqualTo("v");
    assertThat(vfs.statfs(CTX, 1).getBlockSize()).isPositive();
  }

  private void write(long ino, long fh, int off, byte[] model, int n, Random rnd) {
    byte[] chunk = new byte[n];
    rnd.nextBytes(chunk);
    System.arraycopy(chunk, 0, model, off, n);
    ByteBuffer src = ByteBuffer.allocateDirect(n).put(chunk).flip();
    assertThat(vfs.write(CTX, ino, fh, off, src, 0)).isEqualTo(n);
  }

  private byte[] readAll(long ino, long fh, int upTo, int step) {
    ByteBuffer out = ByteBuffer.allocate(upTo);
    long offset = 0;
    while (out.hasRemaining()) {
      ByteBuffer piece = ByteBuffer.allocateDirect(Math.min(step, out.remaining()));
      int n = vfs.read(CTX, ino, fh, offset, piece);
      if (n == 0) {
        break;
      }
      assertThat(piece.position()).isZero();
      out.put(piece.limit(n));
      offset += n;
    }
    return Arrays.copyOf(out.array(), out.position());
  }
}
