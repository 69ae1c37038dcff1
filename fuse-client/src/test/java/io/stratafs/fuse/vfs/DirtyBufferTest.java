package io.stratafs.fuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** DirtyBuffer against a reference array: random overlapping writes, reads, runs, truncation. */
class DirtyBufferTest {
  private static final int FILE = 4096;
  private static final long CHUNK = 512;

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
      DirtyBuffer buf = new DirtyBuffer();
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
      }
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
    DirtyBuffer.overlay(buf.overlapping(off, len), off, dst);
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
        x.asByteBuffer().get(flushed, (int) pos, x.length());
        Arrays.fill(covered, (int) pos, (int) pos + x.length(), true);
        pos += x.length();
      }
      assertThat(pos).isEqualTo(r.fileOffset() + r.length());
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
  }

  @Test
  void restackingPutsNewerBytesOnTop() {
    // What a failed flush does: the older batch goes back under writes made meanwhile.
    DirtyBuffer older = new DirtyBuffer();
    older.write(0, ByteBuffer.wrap(filled(100, (byte) 1)));
    DirtyBuffer newer = new DirtyBuffer();
    newer.write(50, ByteBuffer.wrap(filled(100, (byte) 2)));
    for (DirtyBuffer.Extent x : newer.extents()) {
      older.put(x);
    }
    ByteBuffer dst = ByteBuffer.allocate(150);
    DirtyBuffer.overlay(older.overlapping(0, 150), 0, dst);
    assertThat(dst.get(49)).isEqualTo((byte) 1);
    assertThat(dst.get(50)).isEqualTo((byte) 2);
    assertThat(dst.get(149)).isEqualTo((byte) 2);
    assertThat(older.bytes()).isEqualTo(150);
  }

  @Test
  void coverageOfARangeByExtents() {
    byte[] b = new byte[100];
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
