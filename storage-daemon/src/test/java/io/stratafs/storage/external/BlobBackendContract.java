package io.stratafs.storage.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link BlobBackend} promises, run against each implementation (and decorated
 * stacks). A subclass supplies a fresh, empty backend per test.
 */
// Generous: the S3 run puts hundreds of objects over HTTP on a machine shared with other builds.
@Timeout(300)
abstract class BlobBackendContract {
  protected BlobBackend backend;

  /** A new empty backend; closed after the test. */
  protected abstract BlobBackend newBackend() throws Exception;

  @BeforeEach
  void open() throws Exception {
    backend = newBackend();
  }

  @AfterEach
  void closeBackend() {
    if (backend != null) {
      backend.close();
    }
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Test
  void roundTripsSmallEmptyAndLargeObjects() {
    byte[] small = "hello, strata".getBytes(StandardCharsets.UTF_8);
    byte[] big = random(8 << 20, 1);
    backend.put("a/small", ByteBuffer.wrap(small));
    backend.put("a/empty", ByteBuffer.allocate(0));
    backend.put("a/big", ByteBuffer.wrap(big));

    assertThat(bytes(backend.get("a/small"))).isEqualTo(small);
    assertThat(bytes(backend.get("a/empty"))).isEmpty();
    assertThat(bytes(backend.get("a/big"))).isEqualTo(big);
    assertThat(backend.head("a/big")).contains(new BlobInfo("a/big", big.length));
    assertThat(backend.head("a/empty")).contains(new BlobInfo("a/empty", 0));
    assertThat(backend.exists("a/small")).isTrue();
  }

  @Test
  void putLeavesTheCallersBufferAlone() {
    ByteBuffer b = ByteBuffer.wrap(random(1000, 2));
    b.position(10);
    backend.put("k", b);
    assertThat(b.position()).isEqualTo(10);
    assertThat(backend.head("k")).contains(new BlobInfo("k", 990));
  }

  @Test
  void putsFromAStreamOfKnownLength() {
    byte[] data = random(3 << 20, 3);
    backend.put("s/obj", new ByteArrayInputStream(data), data.length);
    assertThat(bytes(backend.get("s/obj"))).isEqualTo(data);
    backend.put("s/zero", new ByteArrayInputStream(new byte[0]), 0);
    assertThat(backend.head("s/zero")).contains(new BlobInfo("s/zero", 0));
  }

  @Test
  void shortStreamStoresNothing() {
    byte[] data = random(1000, 4);
    assertThatThrownBy(() -> backend.put("short", new ByteArrayInputStream(data), 2000))
        .isInstanceOf(StrataException.class);
    assertThat(backend.exists("short")).isFalse();
  }

  @Test
  void readsRanges() {
    byte[] data = random(100_000, 5);
    backend.put("r", ByteBuffer.wrap(data));
    assertThat(bytes(backend.get("r", 0, 10))).isEqualTo(slice(data, 0, 10));
    assertThat(bytes(backend.get("r", 65_536, 4096))).isEqualTo(slice(data, 65_536, 4096));
    // Past the end: what is there, then nothing.
    assertThat(bytes(backend.get("r", 99_990, 100))).isEqualTo(slice(data, 99_990, 10));
    assertThat(bytes(backend.get("r", 100_000, 10))).isEmpty();
    assertThat(bytes(backend.get("r", 200_000, 10))).isEmpty();
    assertThat(bytes(backend.get("r", 5, 0))).isEmpty();
  }

  static byte[] slice(byte[] b, int from, int n) {
    byte[] out = new byte[n];
    System.arraycopy(b, from, out, 0, n);
    return out;
  }

  @Test
  void overwriteReplacesTheWholeObject() {
    backend.put("o", ByteBuffer.wrap(random(50_000, 6)));
    byte[] shorter = random(10, 7);
    backend.put("o", ByteBuffer.wrap(shorter));
    assertThat(bytes(backend.get("o"))).isEqualTo(shorter);
    assertThat(backend.head("o")).contains(new BlobInfo("o", 10));
  }

  @Test
  void missingObjectIsNotFound() {
    assertThat(backend.head("nope/x")).isEmpty();
    assertThat(backend.exists("nope/x")).isFalse();
    assertThatThrownBy(() -> backend.get("nope/x"))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.NOT_FOUND))
        .hasMessageContaining("nope/x");
    assertThatThrownBy(() -> backend.get("nope/x", 0, 10))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.NOT_FOUND));
    assertThatThrownBy(() -> backend.get("nope/x", 0, 0))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.NOT_FOUND));
  }

  @Test
  void deleteIsIdempotent() {
    backend.put("d/x", ByteBuffer.wrap(new byte[] {1}));
    backend.delete("d/x");
    assertThat(backend.exists("d/x")).isFalse();
    backend.delete("d/x");
    backend.delete("never/was");
    assertThat(backend.list("", "", 10).entries()).isEmpty();
  }

  @Test
  void invalidKeysAreRejectedEverywhere() {
    for (String bad : List.of("", "/abs", "a/../b", "..", "a//b", "a/", "./a", "sp ace", BlobKeys.RESERVED + "/x")) {
      assertThatThrownBy(() -> backend.put(bad, ByteBuffer.allocate(1)))
          .as(bad)
          .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.INVALID_ARGUMENT));
    }
  }

  @Test
  void listsInPagesWithStartAfter() {
    // 250 keys over a few "directories", inserted out of order; pages of 100 cross two page
    // boundaries (S3 pages hold at most 1,000, which costs too many puts for a unit test).
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      keys.add(String.format("p/%02d/%05d", i % 7, i));
    }
    backend.put("other/0", ByteBuffer.allocate(1));
    backend.put("p-sibling", ByteBuffer.allocate(1)); // '-' sorts before '/': not under "p/"
    putAll(keys);
    List<String> expected = keys.stream().sorted().toList();

    List<String> seen = new ArrayList<>();
    String after = "";
    int pages = 0;
    while (true) {
      BlobPage page = backend.list("p/", after, 100);
      pages++;
      page.entries().forEach(i -> seen.add(i.key()));
      assertThat(page.entries()).allSatisfy(i -> assertThat(i.length()).isEqualTo(3));
      if (!page.truncated()) {
        break;
      }
      after = page.entries().getLast().key();
      assertThat(pages).isLessThan(10);
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).isEqualTo(expected);

    // startAfter inside the range, a prefix that is not a directory, the lazy stream.
    assertThat(backend.list("p/", expected.get(247), 10).entries())
        .extracting(BlobInfo::key)
        .containsExactly(expected.get(248), expected.get(249));
    assertThat(backend.list("p/03/0001", "", 100).entries())
        .extracting(BlobInfo::key)
        .containsExactly("p/03/00010", "p/03/00017");
    assertThat(backend.stream("p/", 33).map(BlobInfo::key).toList()).isEqualTo(expected);
    assertThat(backend.stream("", 100).count()).isEqualTo(252);
    assertThat(backend.list("q/", "", 10)).isEqualTo(new BlobPage(List.of(), false));
  }

  private void putAll(List<String> keys) {
    ExecutorService pool = Executors.newFixedThreadPool(8, Thread.ofPlatform().name("contract-put-", 0).factory());
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (String k : keys) {
        fs.add(pool.submit(() -> backend.put(k, ByteBuffer.wrap(new byte[] {1, 2, 3}))));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentPutsOfDifferentKeysAllLand() throws Exception {
    int threads = 8;
    int perThread = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("contract-conc-", 0).factory());
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int tt = t;
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    backend.put("c/" + tt + "/" + i, ByteBuffer.wrap(random(4096, tt * 1000L + i)));
                  }
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(backend.stream("c/", 100).count()).isEqualTo(threads * perThread);
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < perThread; i++) {
        assertThat(bytes(backend.get("c/" + t + "/" + i))).isEqualTo(random(4096, t * 1000L + i));
      }
    }
  }

  @Test
  void checksummedDecoratorDetectsCorruptionThroughTheRawBackend() {
    BlobBackend checked = new ChecksummedBackend(backend);
    byte[] data = random(70_000, 8);
    checked.put("cs/obj", ByteBuffer.wrap(data));
    assertThat(bytes(checked.get("cs/obj"))).isEqualTo(data);
    assertThat(bytes(checked.get("cs/obj", 69_990, 100))).isEqualTo(slice(data, 69_990, 10));
    assertThat(checked.head("cs/obj")).contains(new BlobInfo("cs/obj", data.length));
    assertThat(checked.list("cs/", "", 10).entries()).containsExactly(new BlobInfo("cs/obj", data.length));

    // Flip one bit in the stored object, behind the decorator's back.
    byte[] raw = bytes(backend.get("cs/obj"));
    raw[12_345] ^= 0x10;
    backend.put("cs/obj", ByteBuffer.wrap(raw));
    assertThatThrownBy(() -> checked.get("cs/obj"))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.CORRUPT))
        .hasMessageContaining("cs/obj");
    assertThatThrownBy(() -> checked.get("cs/obj", 0, 10))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.CORRUPT));

    // A truncated object (lost trailer) is corrupt too, not short data.
    backend.put("cs/obj", ByteBuffer.wrap(slice(raw, 0, 3)));
    assertThatThrownBy(() -> checked.get("cs/obj"))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.CORRUPT));
  }

  @Test
  void checksummedStreamPutRoundTrips() {
    BlobBackend checked = new ChecksummedBackend(backend);
    byte[] data = random(300_000, 9);
    checked.put("cs/stream", new ByteArrayInputStream(data), data.length);
    assertThat(bytes(checked.get("cs/stream"))).isEqualTo(data);
    assertThat(backend.head("cs/stream").orElseThrow().length()).isEqualTo(data.length + ChecksummedBackend.TRAILER_BYTES);
  }

  @Test
  void prefixedDecoratorKeepsKeysApart() {
    BlobBackend a = new PrefixedBackend(backend, "/tenant-a/");
    BlobBackend b = new PrefixedBackend(backend, "tenant-b");
    a.put("k/1", ByteBuffer.wrap(new byte[] {1}));
    b.put("k/1", ByteBuffer.wrap(new byte[] {2}));
    b.put("k/2", ByteBuffer.wrap(new byte[] {3}));
    assertThat(bytes(a.get("k/1"))).containsExactly(1);
    assertThat(bytes(b.get("k/1"))).containsExactly(2);
    assertThat(a.list("k/", "", 10).entries()).extracting(BlobInfo::key).containsExactly("k/1");
    assertThat(b.list("", "k/1", 10).entries()).extracting(BlobInfo::key).containsExactly("k/2");
    assertThat(backend.list("", "", 10).entries())
        .extracting(BlobInfo::key)
        .containsExactly("tenant-a/k/1", "tenant-b/k/1", "tenant-b/k/2");
    b.delete("k/1");
    assertThat(a.exists("k/1")).isTrue();
    assertThat(b.head("k/2")).contains(new BlobInfo("k/2", 1));
  }

  @Test
  void chunkVersionGcDeletesOnlyOlderVersions() {
    long chunk = 0x1234_5678_9abc_def0L;
    for (long v = 1; v <= 3; v++) {
      for (int blk = 0; blk < 3; blk++) {
        backend.put(ChunkObjectLayout.key(chunk, v, blk), ByteBuffer.wrap(new byte[] {(byte) v}));
      }
    }
    long neighbour = chunk + 0x100; // same low byte: same prefix directory
    backend.put(ChunkObjectLayout.key(neighbour, 1, 0), ByteBuffer.allocate(1));

    assertThat(ChunkVersionGc.deleteOlderVersions(backend, chunk, 3)).isEqualTo(6);
    assertThat(backend.stream(ChunkObjectLayout.chunkPrefix(chunk), 10).map(BlobInfo::key).collect(Collectors.toList()))
        .containsExactlyElementsOf(IntStream.range(0, 3).mapToObj(i -> ChunkObjectLayout.key(chunk, 3, i)).toList());
    assertThat(backend.exists(ChunkObjectLayout.key(neighbour, 1, 0))).isTrue();
    assertThat(ChunkVersionGc.deleteOlderVersions(backend, chunk, 3)).isZero();
  }
}
