package io.stratafs.fuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.meta.MetaServerConfig;
import io.stratafs.meta.MetadataServer;
import io.stratafs.storage.DeviceSpec;
import io.stratafs.storage.StorageConfig;
import io.stratafs.storage.StorageDaemon;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mount in the storage daemon's own JVM, as {@code strata node} runs them (ADR 034, 035): its
 * synced writes and its reads through the daemon are method calls on the calling thread, its
 * buffered writes' flushes are method calls run on the daemon's threads, and what it wrote reads
 * back whole.
 */
@Timeout(120)
class InProcessStorageTest {
  private static final String FS = "inproc";
  private static final int S_IFREG = 0100000;
  private static final int O_RDWR = 2;
  private static final VfsContext CTX = new VfsContext(0, 0, 1, new int[0]);

  @Test
  void syncedWritesAndReadsReachTheDaemonWithoutASocket(@TempDir Path tmp) throws Exception {
    try (TestingServer zk = new TestingServer(true);
        MetadataServer meta =
            MetadataServer.start(new MetaServerConfig("m1", tmp.resolve("meta"), zk.getConnectString(), FS, "127.0.0.1", 0, 1 << 20));
        StorageDaemon storage =
            StorageDaemon.start(
                new StorageConfig(
                    "s1", List.of(DeviceSpec.parse("nvme:" + tmp.resolve("nvme"), "d0")), zk.getConnectString(), FS,
                    "127.0.0.1", 0, Map.of()))) {
      storage.serveInProcess();
      VfsClusters.awaitRegistered(zk.getConnectString(), FS);
      byte[] data = new byte[3 << 20]; // three chunks
      new Random(34).nextBytes(data);
      try (StrataVfs vfs = StrataVfs.connect(StrataVfsConfig.defaults(zk.getConnectString(), FS).withShortCircuitReads(false))) {
        Vfs.Created c = vfs.create(CTX, 1, "f".getBytes(StandardCharsets.UTF_8), S_IFREG | 0644, 022, O_RDWR);
        long ino = c.attr().getIno();
        for (int off = 0; off < data.length; off += 128 << 10) {
          vfs.write(CTX, ino, c.fh(), off, ByteBuffer.wrap(data, off, 128 << 10), 0);
          vfs.fsync(CTX, ino, c.fh(), true);
        }
        assertThat(VfsClusters.read(vfs, CTX, ino, c.fh(), data.length + 1)).isEqualTo(data);
        // Buffered: flushed by the write buffer's background flushes and the last flush, several
        // chunk writes in flight at once (the asynchronous path, ADR 035).
        byte[] more = new byte[40 << 20];
        new Random(35).nextBytes(more);
        for (int off = 0; off < more.length; off += 1 << 20) {
          vfs.write(CTX, ino, c.fh(), data.length + off, ByteBuffer.wrap(more, off, 1 << 20), 0);
        }
        vfs.flush(CTX, ino, c.fh(), 0);
        byte[] all = VfsClusters.read(vfs, CTX, ino, c.fh(), data.length + more.length + 1);
        assertThat(Arrays.equals(all, 0, data.length, data, 0, data.length)).isTrue();
        assertThat(Arrays.equals(all, data.length, all.length, more, 0, more.length)).isTrue();
        assertThat(storage.socketConnections()).as("no socket connection to the daemon").isZero();
        // A direct listener's connection has a thread for as long as it is open, so look before closing.
        assertThat(Thread.getAllStackTraces().keySet())
            .as("no thread of the daemon's direct listeners serves a connection: every call came in-process")
            .noneMatch(t -> t.getName().startsWith("rpc-direct-storage-s1") && !t.getName().endsWith("-accept"));
        vfs.release(CTX, ino, c.fh(), 0);
      }
    }
  }
}
