package io.stratafs.storage.external;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkObjectLayoutTest {
  @Test
  void keysFollowTheDocumentedLayout() {
    assertThat(ChunkObjectLayout.key(0x1234L, 7, 2))
        .isEqualTo("chunks/34/0000000000001234/0000000000000007/00000002");
    assertThat(ChunkObjectLayout.chunkPrefix(-1L)).isEqualTo("chunks/ff/ffffffffffffffff/");
    assertThat(ChunkObjectLayout.versionPrefix(0x1234L, 7)).isEqualTo("chunks/34/0000000000001234/0000000000000007/");
    assertThat(BlobKeys.check(ChunkObjectLayout.key(-1L, -1L, Integer.MAX_VALUE))).isNotEmpty();
  }

  @Test
  void parseRoundTripsAndRejectsForeignKeys() {
    Random r = new Random(11);
    for (int i = 0; i < 1000; i++) {
      var k = new ChunkObjectLayout.BlockKey(r.nextLong(), r.nextLong(), r.nextInt(Integer.MAX_VALUE));
      assertThat(ChunkObjectLayout.parse(k.key())).contains(k);
    }
    assertThat(ChunkObjectLayout.parse("chunks/35/0000000000001234/0000000000000007/00000002")).isEmpty();
    assertThat(ChunkObjectLayout.parse("chunks/34/0000000000001234/0000000000000007")).isEmpty();
    assertThat(ChunkObjectLayout.parse("chunks/34/0000000000001234/000000000000000G/00000002")).isEmpty();
    assertThat(ChunkObjectLayout.parse("other/x")).isEmpty();
  }

  @Test
  void byteOrderIsVersionThenBlockOrder() {
    List<String> inOrder = new ArrayList<>();
    for (long v : new long[] {0, 1, 15, 16, 255, 1L << 40}) {
      for (int b : new int[] {0, 1, 10, 16, 1023}) {
        inOrder.add(ChunkObjectLayout.key(99, v, b));
      }
    }
    assertThat(inOrder).isSorted();
  }
}
