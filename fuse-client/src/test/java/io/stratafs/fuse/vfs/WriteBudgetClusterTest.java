package io.stratafs.fuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.MetaServerConfig;
import io.stratafs.meta.MetadataServer;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mount-wide write budget against a real ZooKeeper, metadata server and storage daemon: many
 * files written at once stay within it and read back whole; a write over budget gets room by
 * flushing another file; with storage gone it fails instead of waiting forever; and the accounting
 * returns to zero after close, truncate and a retried failed flush.
 */
@Timeout(120)
class WriteBudgetClusterTest {
  private static final String FS = "budget";
  private static final long CHUNK = 256 << 10;
  private static final VfsContext CTX = new VfsContext(0, 0, 1, new int[0]);

  /** ZooKeeper, one metadata server and one storage daemon, which tests may stop and restart. */
  private static final class Cluster implements AutoCloseable {
    final TestingServer zk;
    final MetadataServer meta;
    final StorageConfig storageConfig;
    StorageDaemon storage;

    Cluster(Path tmp) throws Exception {
      zk = new TestingServer(true);
      meta = MetadataServer.start(new MetaServerConfig("m1", tmp.resolve("meta"), zk.getConnectString(), FS, "127.0.0.1", 0, CHUNK));
      storageConfig =
          new StorageConfig(
              "s1", List.of(DeviceSpec.parse("nvme:" + tmp.resolve("nvme"), "d0")), zk.getConnectString(), FS, "127.0.0.1", 0, Map.of());
      storage = StorageDaemon.start(storageConfig);
      VfsClusters.awaitRegistered(zk.getConnectString(), FS);
    }

    /** A client whose files buffer {@code bufferBytes} each and {@code budgetBytes} together. */
    StrataVfs connect(long bufferBytes, long budgetBytes, Duration timeouts) {
      StrataVfsConfig d = StrataVfsConfig.defaults(zk.getConnectString(), FS);
      return StrataVfs.connect(
          new StrataVfsConfig(d.zkConnect(), FS, "budget-client", timeouts, timeouts, bufferBytes, 4)
              .withWriteBudgetBytes(budgetBytes));
    }

    void stopStorage() {
      storage.close();
    }

    /** Same port: the metadata server hands out the replica address recorded at allocation. */
    void restartStorage(int port) {
      storage =
          StorageDaemon.start(
              new StorageConfig(
                  "s1", storageConfig.devices(), zk.getConnectString(), FS, "127.0.0.1", port, Map.of()));
    }

    @Override
    public void close() throws Exception {
      try {
        storage.close();
      } finally {
        try {
          meta.close();
        } finally {
          zk.close();
        }
      }
    }
  }

  @Test
  void manyFilesWrittenAtOnceStayWithinTheBudgetAndReadBackWhole(@TempDir Path tmp) throws Exception {
    int files = 8;
    int fileBytes = 1 << 20;
    int writeBytes = 16 << 10;
    long budgetBytes = 256 << 10; // four files' buffers: the eight writers must flush each other
    try (Cluster cluster = new Cluster(tmp);
        StrataVfs vfs = cluster.connect(64 << 10, budgetBytes, Duration.ofSeconds(20))) {
      ExecutorService pool = Executors.newFixedThreadPool(files);
      try {
        List<Future<byte[]>> written = new ArrayList<>();
        for (int i = 0; i < files; i++) {
          int seed = i;
          written.add(
              pool.submit(
                  () -> {
                    byte[] model = new byte[fileBytes];
                    new Random(seed).nextBytes(model);
                    Vfs.Created c = vfs.create(CTX, 1, name("f" + seed), 0100644, 022, 2);
                    long ino = c.attr().getIno();
                    for (int off = 0; off < fileBytes; off += writeBytes) {
                      vfs.write(CTX, ino, c.fh(), off, ByteBuffer.wrap(model, off, writeBytes), 0);
                    }
                    vfs.release(CTX, ino, c.fh(), 2);
                    return model;
                  }));
        }
        for (int i = 0; i < files; i++) {
          byte[] model = written.get(i).get(90, TimeUnit.SECONDS);
          long ino = vfs.lookup(CTX, 1, name("f" + i)).getIno();
          long fh = vfs.open(CTX, ino, 0);
          assertThat(VfsClusters.read(vfs, CTX, ino, fh, fileBytes)).as("file f%d", i).isEqualTo(model);
          vfs.release(CTX, ino, fh, 0);
        }
      } finally {
        pool.shutdownNow();
      }
      WriteBudget budget = vfs.writeBudget();
      // Reservations make concurrent writes wait their turn, so not even one write's bytes spill over.
      assertThat(budget.peakBytes()).isGreaterThan(0).isLessThanOrEqualTo(budgetBytes);
      assertThat(budget.totalBytes()).isZero();
      assertThat(budget.writers()).isZero();
      assertWriteMemoryFreed();
    }
  }

  /** Every write buffer's direct memory is given back once its bytes are flushed (ADR 028). */
  private static void assertWriteMemoryFreed() {
    // A send's reference is released by the event loop just after its reply completes the flush.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(DirtyBuffer.directBytesHeld()).isZero());
  }

  @Test
  void aWriteOverBudgetGetsRoomWhenAnotherFileIsFlushed(@TempDir Path tmp) throws Exception {
    long bufferBytes = 128 << 10; // neither file fills its own buffer: only the budget flushes
    try (Cluster cluster = new Cluster(tmp);
        StrataVfs vfs = cluster.connect(bufferBytes, bufferBytes, Duration.ofSeconds(20));
        StrataVfs other = cluster.connect(bufferBytes, bufferBytes, Duration.ofSeconds(20))) {
      byte[] a = new byte[100 << 10];
      new Random(1).nextBytes(a);
      Vfs.Created fa = vfs.create(CTX, 1, name("a"), 0100644, 022, 2);
      vfs.write(CTX, fa.attr().getIno(), fa.fh(), 0, ByteBuffer.wrap(a), 0);
      assertThat(vfs.writeBudget().totalBytes()).isEqualTo(a.length);

      Vfs.Created fb = vfs.create(CTX, 1, name("b"), 0100644, 022, 2);
      vfs.write(CTX, fb.attr().getIno(), fb.fh(), 0, ByteBuffer.wrap(new byte[64 << 10]), 0);

      // b's write fit only once a's bytes were flushed and committed: another client sees them.
      assertThat(vfs.writeBudget().totalBytes()).isEqualTo(64 << 10);
      assertThat(other.lookup(CTX, 1, name("a")).getSize()).isEqualTo(a.length);
      long fh = other.open(CTX, fa.attr().getIno(), 0);
      assertThat(VfsClusters.read(other, CTX, fa.attr().getIno(), fh, a.length)).isEqualTo(a);
      other.release(CTX, fa.attr().getIno(), fh, 0);

      vfs.release(CTX, fa.attr().getIno(), fa.fh(), 2);
      vfs.release(CTX, fb.attr().getIno(), fb.fh(), 2);
      assertThat(vfs.writeBudget().totalBytes()).isZero();
      assertThat(vfs.writeBudget().writers()).isZero();
    }
  }

  @Test
  void withStorageGoneAWriteOverBudgetFailsAndAccountingSettlesAfterTheRetry(@TempDir Path tmp) throws Exception {
    long bufferBytes = 128 << 10;
    try (Cluster cluster = new Cluster(tmp);
        StrataVfs vfs = cluster.connect(bufferBytes, bufferBytes, Duration.ofSeconds(3))) {
      byte[] a = new byte[100 << 10];
      new Random(2).nextBytes(a);
      Vfs.Created fa = vfs.create(CTX, 1, name("a"), 0100644, 022, 2);
      long inoA = fa.attr().getIno();
      // The chunk gets its replica now, so the flush below meets a dead daemon (EIO), not a
      // placement with no device left (ENOSPC, which the write would report as such).
      vfs.write(CTX, inoA, fa.fh(), 0, ByteBuffer.wrap(a, 0, 4096), 0);
      vfs.flush(CTX, inoA, fa.fh(), 0);
      vfs.write(CTX, inoA, fa.fh(), 0, ByteBuffer.wrap(a), 0);
      Vfs.Created fb = vfs.create(CTX, 1, name("b"), 0100644, 022, 2);
      long inoB = fb.attr().getIno();

      int port = cluster.storage.address().getPort();
      cluster.stopStorage();
      // b holds nothing itself: it must wait for a's flush, which fails, and say so.
      assertThatThrownBy(() -> vfs.write(CTX, inoB, fb.fh(), 0, ByteBuffer.wrap(new byte[64 << 10]), 0))
          .isInstanceOfSatisfying(
              StrataException.class,
              e -> {
                assertThat(e.code().errno()).isEqualTo(StatusCode.IO_ERROR.errno());
                assertThat(e.getMessage())
                    .as(e.toString())
                    .contains("write budget")
                    .contains("flushing inode " + inoA + " to make room failed");
              });
      // Nothing of b's was buffered; a's bytes are back in its buffer, still counted.
      assertThat(vfs.writeBudget().totalBytes()).isEqualTo(a.length);

      cluster.restartStorage(port);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptionsInstanceOf(StrataException.class)
          .untilAsserted(() -> vfs.fsync(CTX, inoA, fa.fh(), false));
      assertThat(vfs.writeBudget().totalBytes()).isZero();

      vfs.write(CTX, inoB, fb.fh(), 0, ByteBuffer.wrap(new byte[64 << 10]), 0);
      vfs.release(CTX, inoA, fa.fh(), 2);
      vfs.release(CTX, inoB, fb.fh(), 2);
      assertThat(vfs.writeBudget().totalBytes()).isZero();
      assertThat(vfs.writeBudget().writers()).isZero();
      assertThat(vfs.lookup(CTX, 1, name("b")).getSize()).isEqualTo(64 << 10);
      assertWriteMemoryFreed();
    }
  }

  @Test
  void truncateAndCloseReturnTheirBytes(@TempDir Path tmp) throws Exception {
    long bufferBytes = 128 << 10;
    try (Cluster cluster = new Cluster(tmp);
        StrataVfs vfs = cluster.connect(bufferBytes, 2 * bufferBytes, Duration.ofSeconds(20))) {
      Vfs.Created f = vfs.create(CTX, 1, name("t"), 0100644, 022, 2);
      long ino = f.attr().getIno();
      vfs.write(CTX, ino, f.fh(), 0, ByteBuffer.wrap(new byte[100 << 10]), 0);
      vfs.write(CTX, ino, f.fh(), 0, ByteBuffer.wrap(new byte[10 << 10]), 0); // overwrite: no growth
      assertThat(vfs.writeBudget().totalBytes()).isEqualTo(100 << 10);
      // The bytes wait off the heap; the overwritten part's memory is not given back until its
      // whole buffer is, so both writes' buffers are held.
      assertThat(DirtyBuffer.directBytesHeld()).isGreaterThanOrEqualTo(110 << 10);

      vfs.setattr(CTX, ino, new SetAttrChange(SetAttrField.SET_SIZE_VALUE, 0, 0, 0, 10_000, 0, 0, 0), f.fh());
      assertThat(vfs.writeBudget().totalBytes()).isZero();

      vfs.write(CTX, ino, f.fh(), 50_000, ByteBuffer.wrap(new byte[1_000]), 0);
      assertThat(vfs.writeBudget().totalBytes()).isEqualTo(1_000);
      vfs.release(CTX, ino, f.fh(), 2);
      assertThat(vfs.writeBudget().totalBytes()).isZero();
      assertThat(vfs.writeBudget().writers()).isZero();
      assertThat(vfs.lookup(CTX, 1, name("t")).getSize()).isEqualTo(51_000);
      assertWriteMemoryFreed();
    }
  }

  @Test
  void aWriteLargerThanTheWholeBudgetStillGoesThrough(@TempDir Path tmp) throws Exception {
    long bufferBytes = 64 << 10;
    try (Cluster cluster = new Cluster(tmp);
        StrataVfs vfs = cluster.connect(bufferBytes, bufferBytes, Duration.ofSeconds(20))) {
      byte[] big = new byte[(int) (3 * bufferBytes)];
      new Random(4).nextBytes(big);
      Vfs.Created f = vfs.create(CTX, 1, name("big"), 0100644, 022, 2);
      long ino = f.attr().getIno();
      vfs.write(CTX, ino, f.fh(), 0, ByteBuffer.wrap(new byte[1_000]), 0);
      vfs.write(CTX, ino, f.fh(), 1_000, ByteBuffer.wrap(big), 0); // waits for the budget to empty
      vfs.release(CTX, ino, f.fh(), 2);
      assertThat(vfs.writeBudget().peakBytes()).isLessThanOrEqualTo(big.length);
      assertThat(vfs.writeBudget().totalBytes()).isZero();
      long fh = vfs.open(CTX, ino, 0);
      assertThat(Arrays.copyOfRange(VfsClusters.read(vfs, CTX, ino, fh, 1_000 + big.length), 1_000, 1_000 + big.length)).isEqualTo(big);
      vfs.release(CTX, ino, fh, 0);
    }
  }

  private static byte[] name(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A small fsync or fdatasync writes on its thread's own connection to the daemon, kept between
   * calls (ADR 022). After the daemon restarts, that connection is dead: with one replica, a write
   * failing on it would be EIO (its last copy cannot be excluded), so every sync here succeeding
   * shows the write was made again on a new connection.
   */
  @Test
  void syncsOnAThreadsKeptConnectionSurviveTheDaemonsRestart(@TempDir Path tmp) throws Exception {
    try (Cluster cluster = new Cluster(tmp);
        StrataVfs vfs = cluster.connect(64 << 10, 256 << 10, Duration.ofSeconds(5))) {
      Vfs.Created f = vfs.create(CTX, 1, name("db"), 0100644, 022, 2);
      long ino = f.attr().getIno();
      byte[] expected = new byte[24 << 10];
      new Random(5).nextBytes(expected);
      vfs.write(CTX, ino, f.fh(), 0, ByteBuffer.wrap(expected, 0, 16 << 10), 0);
      vfs.fsync(CTX, ino, f.fh(), false);
      int port = cluster.storage.address().getPort();

      // an overwrite + fsync (data and mtime commit in flight together), an overwrite +
      // fdatasync, an append + fsync: each after a restart of the daemon
      long[][] steps = {{0, 4096, 0}, {8192, 4096, 1}, {16 << 10, 8 << 10, 0}};
      for (long[] step : steps) {
        cluster.stopStorage();
        cluster.restartStorage(port);
        VfsClusters.awaitRegistered(cluster.zk.getConnectString(), FS);
        vfs.write(CTX, ino, f.fh(), step[0], ByteBuffer.wrap(expected, (int) step[0], (int) step[1]), 0);
        vfs.fsync(CTX, ino, f.fh(), step[2] == 1);
      }

      vfs.release(CTX, ino, f.fh(), 2);
      long reader = vfs.open(CTX, ino, 0);
      ByteBuffer back = ByteBuffer.allocate(expected.length);
      assertThat(vfs.read(CTX, ino, reader, 0, back)).isEqualTo(expected.length);
      assertThat(back.array()).isEqualTo(expected);
      vfs.release(CTX, ino, reader, 0);
    }
  }
}
