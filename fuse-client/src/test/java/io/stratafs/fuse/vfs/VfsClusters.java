package io.stratafs.fuse.vfs;

import static org.awaitility.Awaitility.await;

import io.stratafs.common.ZkPaths;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

/** What the StrataVfs cluster tests share: waiting for a cluster to be ready, reading a file whole. */
final class VfsClusters {
  private VfsClusters() {}

  /** Waits (up to 30 s) until a storage daemon and the metadata leader of {@code fs} are registered. */
  static void awaitRegistered(String zkConnect, String fs) throws Exception {
    try (CuratorFramework c = CuratorFrameworkFactory.newClient(zkConnect, new RetryOneTime(100))) {
      c.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> c.checkExists().forPath(ZkPaths.storageDir(fs)) != null
              && !c.getChildren().forPath(ZkPaths.storageDir(fs)).isEmpty()
              && c.checkExists().forPath(ZkPaths.metaLeader(fs)) != null);
    }
  }

  /** Up to {@code size} bytes from offset 0 through the handle, fewer at the end of the file. */
  static byte[] read(StrataVfs vfs, VfsContext ctx, long ino, long fh, int size) {
    ByteBuffer dst = ByteBuffer.allocate(size);
    while (dst.hasRemaining()) {
      int n = vfs.read(ctx, ino, fh, dst.position(), dst);
      if (n == 0) {
        break;
      }
      dst.position(dst.position() + n);
    }
    return Arrays.copyOf(dst.array(), dst.position());
  }
}
