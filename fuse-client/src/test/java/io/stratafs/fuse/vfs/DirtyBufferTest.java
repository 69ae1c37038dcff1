package io.stratafs.fuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.IllegalReferenceCountException;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DirtyBuffer against a reference array: random overlapping writes, reads, runs, truncation; and
 * its off-heap buffers' references: every buffer is freed exactly once, and not while a reader or
 * a send still holds bytes of it.
 */
class DirtyBufferTest {
  private static final int FILE = 4096;
  private static final long CHUNK = 512;

  /** Unpooled memory like the mount's, through a hook a test can watch or fail. */
  private abstract static class TestMemory extends AbstractByteBufAllocator {
    private static final ByteBufAllocator REAL = new UnpooledByteBufAllocator(true);

    TestMemory() {
      super(true);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      return REAL.heapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      ByteBuf b = REAL.directBuffer(initialCapacity, maxCapacity);
      handedOut(b);
      return b;
    }

    abstract void handedOut(ByteBuf b);

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }
  }

  /** Direct memory that remembers every buffer it handed out. */
  private static final class CountingMemory extends TestMemory {
    final List<ByteBuf> handedOut = new ArrayList<>();

    @Override
    void handedOut(ByteBuf b) {
      handedOut.add(b);
    }

    long live() {
      return handedOut.stream().filter(b -> b.refCnt() > 0).count();
    }

    long liveCapacity() {
      return handedOut.stream().filter(b -> b.refCnt() > 0).mapToLong(ByteBuf::capacity).sum();
    }
  }

  /** A reference model: the bytes and which offsets are dirty. */
  private static final class Model {
    final byte[] data = new byte[FILE];
    final boolean[] dirty = new boolean[FILE];

    void write(long off, byte[] src) {
      System.arraycopy(src, 0, data, (int) off, src.length);
      Arrays.fill(dirty, (int) off, (int) off + src.length, true);
    }

    void truncate(long size) {
      Arrays.fill(dirty, (int) size, FILE, false);
    }

    long dirtyCount() {
      long n = 0;
      for (boolean d : dirty) {
        n += d ? 1 : 0;
      }
      return n;
    }

    long end() {
      for (int i = FILE - 1; i >= 0; i--) {
        if (dirty[i]) {
          return i + 1;
        }
      }
      return 0;
    }
  }

  @Test
  void randomWritesMatchReferenceArray() {
    for (long seed = 1; seed <= 16; seed++) {
      Random rnd = new Random(seed);
      CountingMemory memory = new CountingMemory();
      DirtyBuffer buf = new DirtyBuffer(memory);
      Model model = new Model();
      for (int op = 0; op < 150; op++) {
        int choice = rnd.nextInt(20);
        if (choice == 0) {
          long size = rnd.nextInt(FILE);
          buf.truncate(size);
          model.truncate(size);
        } else {
          int off = rnd.nextInt(FILE - 1);
          int len = 1 + rnd.nextInt(Math.min(600, FILE - off));
          byte[] src = new byte[len];
          rnd.nextBytes(src);
          // The buffer must copy: scribbling over the source afterwards must not show.
          ByteBuffer kernelBuffer = ByteBuffer.allocateDirect(len + 8).position(3);
          kernelBuffer.put(src).flip().position(3);
          buf.write(off, kernelBuffer);
          assertThat(kernelBuffer.position()).isEqualTo(3);
          for (int i = 0; i < kernelBuffer.limit(); i++) {
            kernelBuffer.put(i, (byte) 0x5A);
          }
          model.write(off, src);
        }
        assertMatches(buf, model, rnd, seed, op);
        // Only buffers with bytes still in the map stay allocated: overwritten ones are freed.
        assertThat(memory.live()).as("seed %d op %d", seed, op).isLessThanOrEqualTo(buf.extentCount());
        // Kept pieces never pin more than twice their bytes (the budget counts kept bytes).
        assertThat(memory.liveCapacity()).as("seed %d op %d", seed, op).isLessThanOrEqualTo(2 * buf.bytes());
      }
      buf.release();
      assertThat(buf.bytes()).isZero();
      assertThat(memory.live()).as("seed %d: buffers left allocated after release", seed).isZero();
    }
  }

  private static void assertMatches(DirtyBuffer buf, Model model, Random rnd, long seed, int op) {
    String where = "seed " + seed + " op " + op;
    assertThat(buf.bytes()).as(where).isEqualTo(model.dirtyCount());
    assertThat(buf.end()).as(where).isEqualTo(model.end());

    // Overlay over a "stored" background of 0x77 equals the model where dirty, background elsewhere.
    int off = rnd.nextInt(FILE);
    int len = rnd.nextInt(FILE - off + 1);
    ByteBuffer dst = ByteBuffer.allocate(len + 5);
    dst.position(5);
    for (int i = 0; i < dst.capacity(); i++) {
      dst.put(i, (byte) 0x77);
    }
    List<DirtyBuffer.Extent> taken = buf.retainedOverlapping(off, len);
    DirtyBuffer.overlay(taken, off, dst);
    DirtyBuffer.release(taken);
    assertThat(dst.position()).isEqualTo(5);
    byte[] expected = new byte[len];
    for (int i = 0; i < len; i++) {
      expected[i] = model.dirty[off + i] ? model.data[off + i] : 0x77;
    }
    assertThat(Arrays.copyOfRange(dst.array(), 5, 5 + len)).as(where).isEqualTo(expected);

    // Runs cover exactly the dirty bytes, never cross a chunk, never exceed the max size.
    int maxRun = 300;
    boolean[] covered = new boolean[FILE];
    byte[] flushed = new byte[FILE];
    long previousEnd = -1;
    for (DirtyBuffer.Run r : buf.runs(CHUNK, maxRun)) {
      ByteBuf sent = r.retainedBytes();
      assertThat(sent.readableBytes()).as(where).isEqualTo(r.length());
      assertThat(sent.isDirect()).as(where + ": a run goes to the socket without a copy").isTrue();
      byte[] sentBytes = new byte[r.length()];
      sent.getBytes(0, sentBytes);
      sent.release();
      boolean wellFormed =
          r.fileOffset() >= previousEnd
              && r.length() >= 1
              && r.length() <= maxRun
              && r.chunkIndex() == r.fileOffset() / CHUNK
              && r.offsetInChunk() == r.fileOffset() % CHUNK
              && r.offsetInChunk() + r.length() <= CHUNK;
      assertThat(wellFormed).as(where + " " + r).isTrue();
      long pos = r.fileOffset();
      for (DirtyBuffer.Extent x : r.parts()) {
        if (x.offset() != pos) {
          throw new AssertionError(where + ": parts of " + r + " are not contiguous");
        }
        x.buf().getBytes(x.from(), flushed, (int) pos, x.length());
        Arrays.fill(covered, (int) pos, (int) pos + x.length(), true);
        pos += x.length();
      }
      assertThat(pos).isEqualTo(r.fileOffset() + r.length());
      assertThat(sentBytes).as(where).isEqualTo(Arrays.copyOfRange(flushed, (int) r.fileOffset(), (int) pos));
      previousEnd = pos;
    }
    assertThat(covered).as(where).isEqualTo(model.dirty);
    for (int i = 0; i < FILE; i++) {
      if (!model.dirty[i]) {
        flushed[i] = model.data[i];
      }
    }
    assertThat(flushed).as(where + ": flushed bytes").isEqualTo(model.data);
  }

  @Test
  void adjacentWritesCoalesceIntoOneRunPerChunk() {
    DirtyBuffer buf = new DirtyBuffer();
    for (int i = 0; i < 8; i++) {
      buf.write(i * 100L, ByteBuffer.wrap(new byte[100]));
    }
    List<DirtyBuffer.Run> runs = buf.runs(512, 1 << 20);
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0).length()).isEqualTo(512);
    assertThat(runs.get(1).fileOffset()).isEqualTo(512);
    assertThat(runs.get(1).length()).isEqualTo(288);
    buf.release();
  }

  @Test
  void restackingPutsNewerBytesOnTop() {
    // What a failed flush does: the older batch goes back under writes made meanwhile.
    DirtyBuffer older = new DirtyBuffer();
    older.write(0, ByteBuffer.wrap(filled(100, (byte) 1)));
    DirtyBuffer newer = new DirtyBuffer();
    newer.write(50, ByteBuffer.wrap(filled(100, (byte) 2)));
    older.putAll(newer);
    assertThat(newer.isEmpty()).isTrue();
    ByteBuffer dst = ByteBuffer.allocate(150);
    List<DirtyBuffer.Extent> taken = older.retainedOverlapping(0, 150);
    DirtyBuffer.overlay(taken, 0, dst);
    DirtyBuffer.release(taken);
    assertThat(dst.get(49)).isEqualTo((byte) 1);
    assertThat(dst.get(50)).isEqualTo((byte) 2);
    assertThat(dst.get(149)).isEqualTo((byte) 2);
    assertThat(older.bytes()).isEqualTo(150);
    older.release();
  }

  @Test
  void bytesTakenByAReaderOrASendOutliveTheBufferThatLetThemGo() {
    CountingMemory memory = new CountingMemory();
    DirtyBuffer buf = new DirtyBuffer(memory);
    buf.write(0, ByteBuffer.wrap(filled(100, (byte) 7)));
    List<DirtyBuffer.Extent> reading = buf.retainedOverlapping(10, 20);
    ByteBuf sending = buf.runs(CHUNK, 1 << 20).get(0).retainedBytes();
    buf.release(); // what a flush that finished does
    assertThat(memory.live()).isEqualTo(1);

    ByteBuffer dst = ByteBuffer.allocate(20);
    DirtyBuffer.overlay(reading, 10, dst);
    assertThat(dst.array()).isEqualTo(filled(20, (byte) 7));
    assertThat(sending.getByte(99)).isEqualTo((byte) 7);
    DirtyBuffer.release(reading);
    assertThat(memory.live()).isEqualTo(1);
    sending.release();
    assertThat(memory.live()).isZero();
    // Freed memory is never read again through a stale reference: it fails instead.
    assertThatThrownBy(() -> memory.handedOut.get(0).getByte(0)).isInstanceOf(IllegalReferenceCountException.class);
  }

  @Test
  void overwrittenAndTruncatedBytesAreFreedAtOnce() {
    CountingMemory memory = new CountingMemory();
    DirtyBuffer buf = new DirtyBuffer(memory);
    buf.write(0, ByteBuffer.wrap(filled(100, (byte) 1)));
    buf.write(0, ByteBuffer.wrap(filled(100, (byte) 2))); // covers the first write entirely
    assertThat(memory.handedOut.get(0).refCnt()).isZero();
    buf.write(200, ByteBuffer.wrap(filled(100, (byte) 3)));
    buf.truncate(150);
    assertThat(memory.handedOut.get(2).refCnt()).isZero();
    assertThat(memory.live()).isEqualTo(1);
    buf.truncate(50); // keeps a piece of the second write
    assertThat(memory.live()).isEqualTo(1);
    assertThat(buf.bytes()).isEqualTo(50);
    buf.truncate(0);
    assertThat(memory.live()).isZero();
  }

  @Test
  void aSmallSurvivorOfAnOverwriteDoesNotPinItsWholeBuffer() {
    // Writes sliding by one byte: each leaves one byte of the previous buffer. Shared, those bytes
    // would pin every 64 KiB buffer; copied, they hold only what they keep.
    CountingMemory memory = new CountingMemory();
    DirtyBuffer buf = new DirtyBuffer(memory);
    int size = 64 << 10;
    for (int i = 0; i < 50; i++) {
      buf.write(i, ByteBuffer.wrap(filled(size, (byte) i)));
    }
    assertThat(buf.bytes()).isEqualTo(size + 49);
    assertThat(memory.liveCapacity()).isEqualTo(size + 49);
    ByteBuffer dst = ByteBuffer.allocate(60);
    List<DirtyBuffer.Extent> taken = buf.retainedOverlapping(0, 60);
    DirtyBuffer.overlay(taken, 0, dst);
    DirtyBuffer.release(taken);
    for (int i = 0; i < 60; i++) {
      assertThat(dst.get(i)).as("byte %d", i).isEqualTo((byte) Math.min(i, 49));
    }
    buf.release();
    assertThat(memory.live()).isZero();
  }

  @Test
  void aWriteWithoutDirectMemoryFailsWithEnomemAndKeepsTheBuffer() {
    ByteBufAllocator exhausted =
        new TestMemory() {
          private int allocations;

          @Override
          void handedOut(ByteBuf b) {
            if (++allocations > 1) {
              b.release();
              throw new OutOfMemoryError("Cannot reserve " + b.capacity() + " bytes of direct buffer memory");
            }
          }
        };
    DirtyBuffer buf = new DirtyBuffer(exhausted);
    buf.write(0, ByteBuffer.wrap(filled(10, (byte) 4)));
    assertThatThrownBy(() -> buf.write(5, ByteBuffer.wrap(filled(10, (byte) 5))))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.OUT_OF_MEMORY))
        .hasMessageContaining("MaxDirectMemorySize");
    assertThat(StatusCode.OUT_OF_MEMORY.errno()).isEqualTo(12);
    ByteBuffer dst = ByteBuffer.allocate(10);
    List<DirtyBuffer.Extent> taken = buf.retainedOverlapping(0, 10);
    DirtyBuffer.overlay(taken, 0, dst);
    DirtyBuffer.release(taken);
    assertThat(dst.array()).isEqualTo(filled(10, (byte) 4));
    buf.release();
  }

  @Test
  void coverageOfARangeByExtents() {
    ByteBuf b = Unpooled.wrappedBuffer(new byte[100]);
    List<DirtyBuffer.Extent> xs =
        List.of(new DirtyBuffer.Extent(50, b, 0, 30), new DirtyBuffer.Extent(0, b, 0, 50), new DirtyBuffer.Extent(70, b, 0, 20));
    assertThat(DirtyBuffer.covers(xs, 0, 90)).isTrue();
    assertThat(DirtyBuffer.covers(xs, 10, 60)).isTrue();
    assertThat(DirtyBuffer.covers(xs, 0, 91)).isFalse();
    assertThat(DirtyBuffer.covers(List.of(new DirtyBuffer.Extent(0, b, 0, 10), new DirtyBuffer.Extent(11, b, 0, 10)), 0, 20))
        .isFalse();
    assertThat(DirtyBuffer.covers(List.of(), 5, 5)).isTrue();
  }

  private static byte[] filled(int n, byte b) {
    byte[] a = new byte[n];
    Arrays.fill(a, b);
    return a;
  }
}
