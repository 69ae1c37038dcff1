package io.stratafs.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.stratafs.storage.DeviceSpec;
import io.stratafs.storage.chunk.WriteBehind.Range;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which written ranges go to write-back early (ADR 031), that they really leave the page cache's
 * dirty set, and that windows behind the newest leave the page cache (ADR 036).
 */
class WriteBehindTest {
  private static final long CHUNK = 0x0123_4567_89ab_cdefL;

  @TempDir Path dir;

  @Test
  void aSequentialStreamHandsEachFullWindowToWriteBackOnce() {
    WriteBehind wb = new WriteBehind(1000);
    assertThat(wb.written(0, 400, false)).isNull();
    assertThat(wb.written(400, 800, false)).isNull();
    assertThat(wb.written(800, 1200, false)).isEqualTo(new Range(0, 1200));
    assertThat(wb.written(1200, 1500, false)).isNull();
    assertThat(wb.written(1500, 2300, false)).isEqualTo(new Range(1200, 1100));
    assertThat(wb.written(2300, 5300, false)).as("one write larger than a window").isEqualTo(new Range(2300, 3000));
  }

  @Test
  void aWriteAnywhereElseStartsANewStream() {
    WriteBehind wb = new WriteBehind(1000);
    assertThat(wb.written(0, 600, false)).isNull();
    assertThat(wb.written(5000, 5400, false)).as("the stream at 0 is left to the sync").isNull();
    assertThat(wb.written(5400, 6000, false)).isEqualTo(new Range(5000, 1000));
    assertThat(wb.written(5900, 6900, false)).as("an overlapping rewrite").isEqualTo(new Range(5900, 1000));
  }

  @Test
  void randomSmallWritesNeverFillAWindow() {
    WriteBehind wb = new WriteBehind(WriteBehind.WINDOW);
    Random rnd = new Random(31);
    for (int i = 0; i < 10_000; i++) {
      long offset = rnd.nextInt(16 * 1024) * 4096L;
      assertThat(wb.written(offset, offset + 4096, false)).isNull();
    }
  }

  @Test
  void aSyncedWriteLeavesNothingPendingBehindIt() {
    WriteBehind wb = new WriteBehind(1000);
    assertThat(wb.written(0, 900, false)).isNull();
    assertThat(wb.written(900, 1000, true)).as("the sync wrote the stream").isNull();
    assertThat(wb.written(1000, 1900, false)).isNull();
    assertThat(wb.written(1900, 2000, false)).isEqualTo(new Range(1000, 1000));
  }

  @Test
  void theFullWindowsOfASequentialWriteAreNoLongerDirtyAndItReadsBackAfterItsSync() throws Exception {
    Device device = Device.open("s1", new DeviceSpec("d0", "nvme", dir.resolve("d0")), 0);
    assumeTrue(device.syncsWithOneFlush(), "write-behind needs the descriptors of a one-flush device (ext4, xfs)");
    int block = 1 << 20;
    int windows = 3;
    byte[] expected = new byte[(int) (windows * WriteBehind.WINDOW) + block / 2];
    new Random(7).nextBytes(expected);
    try (OpenChunkCache cache = new OpenChunkCache(4)) {
      OpenChunk oc = cache.acquire(device, CHUNK, true);
      try {
        for (int offset = 0; offset < expected.length; offset += block) {
          write(oc, expected, offset, Math.min(block, expected.length - offset));
        }
        WriteBehind.awaitQueued();
        assertThat(CacheStat.dirtyPages(oc.dataFd, 0, windows * WriteBehind.WINDOW))
            .as("dirty pages left in the full windows")
            .isZero();
        assertThat(CacheStat.cachedPages(oc.dataFd, 0, (windows - 1) * WriteBehind.WINDOW))
            .as("pages still cached in the windows before the last one started")
            .isZero();

        assertReadsBackAfterItsSync(oc, expected);
      } finally {
        oc.release();
      }
    }
  }

  @Test
  void windowsArrivingOutOfOrderAreDroppedToo() throws Exception {
    Device device = Device.open("s1", new DeviceSpec("d0", "nvme", dir.resolve("d0")), 0);
    assumeTrue(device.syncsWithOneFlush(), "write-behind needs the descriptors of a one-flush device (ext4, xfs)");
    int window = (int) WriteBehind.WINDOW;
    int[] order = {1, 0, 3, 2}; // how a mount's parallel flushes may deliver a stream's windows
    byte[] expected = new byte[order.length * window];
    new Random(11).nextBytes(expected);
    try (OpenChunkCache cache = new OpenChunkCache(4)) {
      OpenChunk oc = cache.acquire(device, CHUNK, true);
      try {
        for (int w : order) {
          write(oc, expected, w * window, window);
        }
        WriteBehind.awaitQueued();
        long last = 2L * window; // window 2 started last and stays cached
        assertThat(CacheStat.cachedPages(oc.dataFd, 0, last)).as("cached before the last window").isZero();
        assertThat(CacheStat.cachedPages(oc.dataFd, last + window, window)).as("cached after it").isZero();

        assertReadsBackAfterItsSync(oc, expected);
      } finally {
        oc.release();
      }
    }
  }

  /** Writes {@code length} bytes of {@code bytes} from {@code offset} to the same chunk offset, unsynced. */
  private static void write(OpenChunk oc, byte[] bytes, int offset, int length) throws IOException {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes, offset, length);
    try {
      WriteOp.run(oc, offset, buf, false);
    } finally {
      buf.release();
    }
  }

  private static void assertReadsBackAfterItsSync(OpenChunk oc, byte[] expected) throws IOException {
    WriteOp.force(oc);
    try (ReadResult r = ReadOp.run(oc, 0, expected.length, UnpooledByteBufAllocator.DEFAULT)) {
      assertThat(ByteBufUtil.getBytes(r.data())).isEqualTo(expected);
    }
  }

  /** Linux's cachestat(2) (6.5+): a file range's page-cache state. */
  private static final class CacheStat {
    private static final long SYS_CACHESTAT = 451;

    public interface LibC {
      long syscall(long number, int fd, Pointer range, Pointer stat, int flags);
    }

    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

    static long dirtyPages(int fd, long offset, long length) {
      return field(fd, offset, length, 1);
    }

    static long cachedPages(int fd, long offset, long length) {
      return field(fd, offset, length, 0);
    }

    private static long field(int fd, long offset, long length, int index) {
      Runtime runtime = Runtime.getRuntime(LIBC);
      Pointer range = Memory.allocateDirect(runtime, 16);
      range.putLong(0, offset);
      range.putLong(8, length);
      Pointer stat = Memory.allocateDirect(runtime, 40); // nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted
      long rc = LIBC.syscall(SYS_CACHESTAT, fd, range, stat, 0);
      assumeTrue(rc == 0, "cachestat(2) is not available on this kernel");
      return stat.getLong(8L * index);
    }
  }
}
