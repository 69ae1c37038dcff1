package io.stratafs.fuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.stratafs.common.StrataException;
import io.stratafs.meta.MetaServerConfig;
import io.stratafs.meta.MetadataServer;
import io.stratafs.storage.DeviceSpec;
import io.stratafs.storage.StorageConfig;
import io.stratafs.storage.StorageDaemon;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outages against a real cluster. While the storage daemon is down, flush/fsync fail with the
 * error, the bytes stay buffered and readable, and writes stop growing the buffer; after it is
 * back, fsync succeeds and another client reads every byte. When the metadata server restarts,
 * calls wait for the new leader instead of failing.
 */
@Timeout(120)
class StrataVfsOutageTest {
  private static final String FS = "outage";
  private static final long CHUNK = 256 << 10;
  private static final int LIMIT = 64 << 10;
  private static final VfsContext CTX = new VfsContext(0, 0, 1, new int[0]);

  @Test
  void failedFlushKeepsDataAndBoundsMemoryUntilStorageReturns(@TempDir Path tmp) throws Exception {
    try (TestingServer zk = new TestingServer(true);
        MetadataServer meta =
            MetadataServer.start(new MetaServerConfig("m1", tmp.resolve("meta"), zk.getConnectString(), FS, "127.0.0.1", 0, CHUNK))) {
      StorageConfig storageConfig =
          new StorageConfig(
              "s1", List.of(DeviceSpec.parse("nvme:" + tmp.resolve("nvme"), "d0")), zk.getConnectString(), FS, "127.0.0.1", 0, Map.of());
      StorageDaemon storage = StorageDaemon.start(storageConfig);
      VfsClusters.awaitRegistered(zk.getConnectString(), FS);
      StrataVfsConfig d = StrataVfsConfig.defaults(zk.getConnectString(), FS);
      StrataVfsConfig cfg =
          new StrataVfsConfig(d.zkConnect(), FS, "outage-client", Duration.ofSeconds(3), Duration.ofSeconds(3), LIMIT, 4);
      byte[] model = new byte[40_000];
      new Random(3).nextBytes(model);
      try (StrataVfs vfs = StrataVfs.connect(cfg)) {
        Vfs.Created c = vfs.create(CTX, 1, "f".getBytes(StandardCharsets.UTF_8), 0100644, 022, 2);
        long ino = c.attr().getIno();
        vfs.write(CTX, ino, c.fh(), 0, ByteBuffer.wrap(model, 0, 10_000), 0);
        vfs.flush(CTX, ino, c.fh(), 0);
        vfs.write(CTX, ino, c.fh(), 10_000, ByteBuffer.wrap(model, 10_000, 30_000), 0);

        int port = storage.address().getPort();
        storage.close();
        assertThatThrownBy(() -> vfs.fsync(CTX, ino, c.fh(), false)).isInstanceOf(StrataException.class);
        assertThatThrownBy(() -> vfs.flush(CTX, ino, c.fh(), 0)).isInstanceOf(StrataException.class);
        assertThat(vfs.getattr(CTX, ino, c.fh()).getSize()).isEqualTo(40_000);
        // The unflushed bytes are still served from the buffer (the flushed ones need storage).
        ByteBuffer tail = ByteBuffer.allocate(30_000);
        assertThat(vfs.read(CTX, ino, c.fh(), 10_000, tail)).isEqualTo(30_000);
        assertThat(tail.array()).isEqualTo(Arrays.copyOfRange(model, 10_000, 40_000));

        // Fill the buffer past its limit: it goes to a background flush, which fails; from then
        // on writes fail instead of growing memory (the one racing that flush may still land).
        byte[] filler = new byte[LIMIT];
        vfs.write(CTX, ino, c.fh(), 40_000, ByteBuffer.wrap(filler), 0);
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> writeFails(vfs, ino, c.fh(), 40_000 + LIMIT, 100));
        assertThatThrownBy(() -> vfs.write(CTX, ino, c.fh(), 40_000 + LIMIT, ByteBuffer.wrap(new byte[100]), 0))
            .isInstanceOf(StrataException.class);
        assertThat(vfs.getattr(CTX, ino, c.fh()).getSize()).isBetween(40_000L + LIMIT, 40_000L + LIMIT + 100);

        // Same port: the metadata server hands out the replica address recorded at allocation.
        storage =
            StorageDaemon.start(
                new StorageConfig(
                    "s1", storageConfig.devices(), zk.getConnectString(), FS, "127.0.0.1", port, Map.of()));
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptionsInstanceOf(StrataException.class)
            .untilAsserted(() -> vfs.fsync(CTX, ino, c.fh(), false));
        vfs.release(CTX, ino, c.fh(), 2);
      }
      try (StrataVfs other = StrataVfs.connect(cfg)) {
        long ino = other.lookup(CTX, 1, "f".getBytes(StandardCharsets.UTF_8)).getIno();
        long fh = other.open(CTX, ino, 0);
        byte[] all = VfsClusters.read(other, CTX, ino, fh, 40_000 + LIMIT);
        assertThat(Arrays.copyOf(all, 40_000)).isEqualTo(model);
        assertThat(Arrays.copyOfRange(all, 40_000, all.length)).containsOnly(0);
        other.release(CTX, ino, fh, 0);
      } finally {
        storage.close();
      }
    }
  }

  @Test
  void callsRideThroughAMetadataServerRestart(@TempDir Path tmp) throws Exception {
    try (TestingServer zk = new TestingServer(true)) {
      MetaServerConfig metaConfig = new MetaServerConfig("m1", tmp.resolve("meta"), zk.getConnectString(), FS, "127.0.0.1", 0, CHUNK);
      MetadataServer meta = MetadataServer.start(metaConfig);
      StorageDaemon storage =
          StorageDaemon.start(
              new StorageConfig(
                  "s1", List.of(DeviceSpec.parse("nvme:" + tmp.resolve("nvme"), "d0")), zk.getConnectString(), FS, "127.0.0.1", 0, Map.of()));
      try {
        VfsClusters.awaitRegistered(zk.getConnectString(), FS);
        StrataVfsConfig d = StrataVfsConfig.defaults(zk.getConnectString(), FS);
        StrataVfsConfig cfg =
            new StrataVfsConfig(d.zkConnect(), FS, "restart-client", Duration.ofSeconds(5), Duration.ofSeconds(40), LIMIT, 4);
        try (StrataVfs vfs = StrataVfs.connect(cfg)) {
          byte[] before = "before".getBytes(StandardCharsets.UTF_8);
          long dir = vfs.mkdir(CTX, 1, before, 0755, 022).getIno();

          meta.close();
          meta = MetadataServer.start(metaConfig);

          assertThat(vfs.lookup(CTX, 1, before).getIno()).isEqualTo(dir);
          Vfs.Created c = vfs.create(CTX, dir, "f".getBytes(StandardCharsets.UTF_8), 0100644, 022, 2);
          vfs.write(CTX, c.attr().getIno(), c.fh(), 0, ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
          vfs.release(CTX, c.attr().getIno(), c.fh(), 2);
          assertThat(vfs.lookup(CTX, dir, "f".getBytes(StandardCharsets.UTF_8)).getSize()).isEqualTo(3);
        }
      } finally {
        storage.close();
        meta.close();
      }
    }
  }

  private static boolean writeFails(StrataVfs vfs, long ino, long fh, long offset, int n) {
    try {
      vfs.write(CTX, ino, fh, offset, ByteBuffer.wrap(new byte[n]), 0);
      return false;
    } catch (StrataException e) {
      return true;
    }
  }
}
