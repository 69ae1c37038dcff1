package io.stratafs.fuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkRangesTest {
  @Test
  void rangeInsideOneChunkIsOneSlice() {
    assertThat(ChunkRanges.split(10, 20, 64))
        .containsExactly(new ChunkRanges.Slice(0, 10, 10, 20));
  }

  @Test
  void rangeAcrossBoundariesIsCutAtEachOne() {
    assertThat(ChunkRanges.split(60, 80, 64))
        .containsExactly(
            new ChunkRanges.Slice(0, 60, 60, 4),
            new ChunkRanges.Slice(1, 0, 64, 64),
            new ChunkRanges.Slice(2, 0, 128, 12));
  }

  @Test
  void rangeStartingOnBoundaryAndEmptyRange() {
    assertThat(ChunkRanges.split(128, 64, 64)).containsExactly(new ChunkRanges.Slice(2, 0, 128, 64));
    assertThat(ChunkRanges.split(5, 0, 64)).isEmpty();
  }

  @Test
  void largeOffsetsDoNotOverflow() {
    long chunk = 64L << 20;
    long offset = 5_000L * chunk - 1;
    assertThat(ChunkRanges.split(offset, 2, chunk))
        .containsExactly(
            new ChunkRanges.Slice(4_999, chunk - 1, offset, 1), new ChunkRanges.Slice(5_000, 0, offset + 1, 1));
  }

  @Test
  void randomRangesAreCoveredExactlyInOrder() {
    Random rnd = new Random(7);
    for (int n = 0; n < 2_000; n++) {
      long chunk = 1 + rnd.nextInt(100);
      long offset = rnd.nextInt(10_000);
      long length = rnd.nextInt(1_000);
      List<ChunkRanges.Slice> slices = ChunkRanges.split(offset, length, chunk);
      long pos = offset;
      for (ChunkRanges.Slice s : slices) {
        assertThat(s.fileOffset()).isEqualTo(pos);
        assertThat(s.index() * chunk + s.offsetInChunk()).isEqualTo(pos);
        assertThat(s.offsetInChunk() + s.length()).isLessThanOrEqualTo(chunk);
        assertThat(s.length()).isPositive();
        pos += s.length();
      }
      assertThat(pos).isEqualTo(offset + length);
    }
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> ChunkRanges.split(-1, 1, 64)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChunkRanges.split(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
