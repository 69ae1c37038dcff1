package io.stratafs.meta.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every KvStore must have; subclasses supply the implementation. */
abstract class KvStoreContract {
  protected KvStore store;

  protected abstract KvStore newStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static List<String> keys(List<KvEntry> entries) {
    return entries.stream().map(e -> new String(e.key(), StandardCharsets.ISO_8859_1)).toList();
  }

  @Test
  void putGetDeleteInOneBatch() {
    store.write(new KvBatch().put(Cf.INODES, b("a"), b("1")).put(Cf.DENTRIES, b("a"), b("2")), true);
    assertThat(store.get(Cf.INODES, b("a"))).isEqualTo(b("1"));
    assertThat(store.get(Cf.DENTRIES, b("a"))).isEqualTo(b("2"));
    assertThat(store.get(Cf.XATTRS, b("a"))).isNull();
    store.write(new KvBatch().delete(Cf.INODES, b("a")).put(Cf.INODES, b("b"), new byte[0]), false);
    assertThat(store.get(Cf.INODES, b("a"))).isNull();
    assertThat(store.get(Cf.INODES, b("b"))).isEmpty();
  }

  @Test
  void scanIsPrefixBoundedOrderedAndPaged() {
    KvBatch batch = new KvBatch();
    for (String k : new String[] {"a", "p", "p\u00ff", "p1", "p2", "p3", "q"}) {
      batch.put(Cf.DENTRIES, b(k), b(k));
    }
    store.write(batch, true);
    assertThat(keys(store.scan(Cf.DENTRIES, b("p"), null, 10))).containsExactly("p", "p1", "p2", "p3", "p\u00ff");
    assertThat(keys(store.scan(Cf.DENTRIES, b("p"), b("p1"), 2))).containsExactly("p2", "p3");
    assertThat(keys(store.scan(Cf.DENTRIES, b("p"), b("a"), 1))).containsExactly("p");
    assertThat(store.scan(Cf.DENTRIES, b("z"), null, 10)).isEmpty();
    assertThat(keys(store.scan(Cf.DENTRIES, new byte[0], null, 100))).hasSize(7);
  }

  @Test
  void scanBoundsPrefixesEndingInFfAndSkipsDeletedKeysPastThePrefix() {
    KvBatch batch = new KvBatch();
    for (String k : new String[] {"p\u00ff", "p\u00ff1", "p\u00ff\u00ff", "q", "r1", "r2"}) {
      batch.put(Cf.OPENS, b(k), b(k));
    }
    store.write(batch, true);
    store.write(new KvBatch().delete(Cf.OPENS, b("r1")).delete(Cf.OPENS, b("r2")), true);
    assertThat(keys(store.scan(Cf.OPENS, b("p\u00ff"), null, 10)))
        .containsExactly("p\u00ff", "p\u00ff1", "p\u00ff\u00ff");
    assertThat(keys(store.scan(Cf.OPENS, b("p\u00ff\u00ff"), null, 10))).containsExactly("p\u00ff\u00ff");
    assertThat(store.scan(Cf.OPENS, b("q1"), null, 10)).isEmpty();
    assertThat(store.scan(Cf.OPENS, b("r"), null, 10)).isEmpty();
    try (KvSnapshot snap = store.snapshot()) {
      assertThat(keys(snap.scan(Cf.OPENS, b("q"), null, 10))).containsExactly("q");
    }
  }

  @Test
  void snapshotDoesNotSeeLaterWrites() {
    store.write(new KvBatch().put(Cf.CHUNKS, b("k"), b("old")), true);
    try (KvSnapshot snap = store.snapshot()) {
      store.write(new KvBatch().put(Cf.CHUNKS, b("k"), b("new")).put(Cf.CHUNKS, b("k2"), b("x")), true);
      assertThat(snap.get(Cf.CHUNKS, b("k"))).isEqualTo(b("old"));
      assertThat(snap.scan(Cf.CHUNKS, b("k"), null, 10)).hasSize(1);
    }
    assertThat(store.get(Cf.CHUNKS, b("k"))).isEqualTo(b("new"));
  }

  @Test
  void overlayMergesBufferedWritesWithTheStore() {
    KvBatch batch = new KvBatch();
    for (int i = 0; i < 10; i++) {
      batch.put(Cf.DENTRIES, b("d" + i), b("v" + i));
    }
    store.write(batch, true);
    OverlayReader group = new OverlayReader(store);
    OverlayReader op = new OverlayReader(group);
    for (int i = 0; i < 8; i++) {
      op.delete(Cf.DENTRIES, b("d" + i));
    }
    op.put(Cf.DENTRIES, b("d45"), b("n"));
    assertThat(keys(op.scan(Cf.DENTRIES, b("d"), null, 2))).containsExactly("d45", "d8");
    assertThat(keys(op.scan(Cf.DENTRIES, b("d"), null, 10))).containsExactly("d45", "d8", "d9");
    assertThat(group.scan(Cf.DENTRIES, b("d"), null, 10)).hasSize(10);
    group.absorb(op);
    assertThat(op.get(Cf.DENTRIES, b("d0"))).isNull();
    store.write(group.batch(), true);
    assertThat(keys(store.scan(Cf.DENTRIES, b("d"), null, 10))).containsExactly("d45", "d8", "d9");
  }
}
