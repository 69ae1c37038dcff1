package io.stratafs.fuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.Attr;
import io.stratafs.protocol.meta.DirEntry;
import io.stratafs.protocol.meta.ReadDirReply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Readdir position bookkeeping over a sorted in-memory directory listed in server batches. */
class DirCursorTest {
  private static final long DIR = 42;

  /** Lists a sorted directory the way ReadDir does: strictly after a name, at most max. */
  private static final class ListedDirectory implements DirCursor.Source {
    final TreeMap<String, Long> entries = new TreeMap<>();
    int listCalls;
    int largestBatch;

    ListedDirectory(int n) {
      for (int i = 0; i < n; i++) {
        entries.put(String.format("f%05d", i), 100L + i);
      }
    }

    @Override
    public ReadDirReply list(byte[] afterName, int max, boolean plus) {
      listCalls++;
      String after = new String(afterName, StandardCharsets.UTF_8);
      ReadDirReply.Builder b = ReadDirReply.newBuilder();
      var tail = after.isEmpty() ? entries : entries.tailMap(after, false);
      int n = 0;
      for (var e : tail.entrySet()) {
        if (n == max) {
          break;
        }
        Attr attr = Attr.newBuilder().setIno(e.getValue()).setMode(0100644).build();
        DirEntry.Builder d =
            DirEntry.newBuilder().setName(ByteString.copyFromUtf8(e.getKey())).setIno(e.getValue()).setMode(0100644);
        if (plus) {
          d.setAttr(attr);
        }
        b.addEntries(d);
        n++;
      }
      largestBatch = Math.max(largestBatch, n);
      return b.setEof(n < max || tail.size() == n).build();
    }

    @Override
    public Attr dirAttr() {
      return Attr.newBuilder().setIno(DIR).setMode(040755).build();
    }
  }

  private record Emitted(String name, long ino, long nextOffset, Attr attr) {}

  /** Reads the whole directory with a filler that takes at most {@code perCall} entries per call. */
  private static List<Emitted> readAll(DirCursor cursor, DirCursor.Source source, int perCall, boolean plus) {
    List<Emitted> out = new ArrayList<>();
    long offset = 0;
    for (int calls = 0; calls < 100_000; calls++) {
      List<Emitted> got = new ArrayList<>();
      cursor.readdir(
          offset,
          plus,
          source,
          (name, ino, mode, attr, next) -> {
            if (got.size() == perCall) {
              return false;
            }
            got.add(new Emitted(new String(name, StandardCharsets.UTF_8), ino, next, attr));
            return true;
          });
      if (got.isEmpty()) {
        return out;
      }
      out.addAll(got);
      offset = got.get(got.size() - 1).nextOffset();
    }
    throw new AssertionError("readdir never reached the end");
  }

  @Test
  void everyEntryOnceInOrderWithIncreasingOffsets() {
    for (int perCall : new int[] {1, 7, 100, 511, 512, 513, 5_000}) {
      ListedDirectory dir = new ListedDirectory(1_300);
      List<Emitted> all = readAll(new DirCursor(DIR), dir, perCall, false);
      assertThat(all).hasSize(1_302);
      assertThat(all.get(0).name()).isEqualTo(".");
      assertThat(all.get(1).name()).isEqualTo("..");
      assertThat(all.get(1).ino()).isEqualTo(DIR);
      List<String> names = all.subList(2, all.size()).stream().map(Emitted::name).toList();
      assertThat(names).containsExactlyElementsOf(dir.entries.keySet());
      for (int i = 0; i < all.size(); i++) {
        assertThat(all.get(i).nextOffset()).isEqualTo(i + 1);
      }
      assertThat(dir.largestBatch).isLessThanOrEqualTo(DirCursor.BATCH);
      // Batches are reused across kernel calls: about one listing per 512 entries.
      assertThat(dir.listCalls).isLessThanOrEqualTo(1_300 / DirCursor.BATCH + 2);
    }
  }

  @Test
  void emptyDirectoryHasOnlyDots() {
    List<Emitted> all = readAll(new DirCursor(DIR), new ListedDirectory(0), 10, false);
    assertThat(all).extracting(Emitted::name).containsExactly(".", "..");
  }

  @Test
  void plusCarriesAttributes() {
    List<Emitted> all = readAll(new DirCursor(DIR), new ListedDirectory(3), 2, true);
    assertThat(all).allSatisfy(e -> assertThat(e.attr()).isNotNull());
    assertThat(all.get(0).attr().getIno()).isEqualTo(DIR);
    assertThat(all.get(2).attr().getIno()).isEqualTo(100);
  }

  @Test
  void resumingAtAnEarlierOffsetRepeatsFromThere() {
    ListedDirectory dir = new ListedDirectory(2_000);
    DirCursor cursor = new DirCursor(DIR);
    readAll(cursor, dir, 600, false);
    // seekdir back to a position handed out before: the entry after it comes next.
    List<String> got = new ArrayList<>();
    cursor.readdir(
        1_000,
        false,
        dir,
        (name, ino, mode, attr, next) -> got.add(new String(name, StandardCharsets.UTF_8)) && got.size() < 2);
    List<String> names = new ArrayList<>(dir.entries.keySet());
    // position 1000 follows entry #997 (positions 3.. are entries 0..), so entry #998 is next.
    assertThat(got).containsExactly(names.get(998), names.get(999));
  }

  @Test
  void unknownPositionIsAnInvalidArgument() {
    DirCursor cursor = new DirCursor(DIR);
    assertThatThrownBy(() -> cursor.readdir(50, false, new ListedDirectory(10), (n, i, m, a, o) -> true))
        .isInstanceOfSatisfying(
            StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.INVALID_ARGUMENT));
  }

  @Test
  void namesAreBytesNotStrings() {
    DirCursor cursor = new DirCursor(DIR);
    byte[] latin1 = {(byte) 0xE9, 'x'};
    DirCursor.Source source =
        new DirCursor.Source() {
          @Override
          public ReadDirReply list(byte[] after, int max, boolean plus) {
            if (after.length > 0) {
              assertThat(after).isEqualTo(latin1);
              return ReadDirReply.newBuilder().setEof(true).build();
            }
            return ReadDirReply.newBuilder()
                .addEntries(DirEntry.newBuilder().setName(ByteString.copyFrom(latin1)).setIno(7).setMode(0100644))
                .build();
          }

          @Override
          public Attr dirAttr() {
            return Attr.getDefaultInstance();
          }
        };
    List<byte[]> names = new ArrayList<>();
    cursor.readdir(0, false, source, (n, i, m, a, o) -> names.add(n));
    assertThat(names).hasSize(3);
    assertThat(Arrays.equals(names.get(2), latin1)).isTrue();
  }
}
