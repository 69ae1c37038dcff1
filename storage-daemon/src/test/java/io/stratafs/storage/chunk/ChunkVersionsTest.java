package io.stratafs.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.storage.DeviceSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunk versions: refused when older, adopted durably when newer, gone with the chunk. */
class ChunkVersionsTest {
  @TempDir Path dir;
  private ChunkStore store;

  @BeforeEach
  void open() {
    store = openStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private ChunkStore openStore() {
    return ChunkStore.open("s1", List.of(new DeviceSpec("d0", "nvme", dir.resolve("d0"))), 0);
  }

  private long write(long chunkId, long offset, String text, long version) {
    return store.write(chunkId, "d0", offset, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), false, version);
  }

  private Path sidecar(long chunkId) {
    return store.chunkPath(chunkId, "d0").resolveSibling(ChunkStore.hex(chunkId) + ChunkVersions.SUFFIX);
  }

  @Test
  void versionOneNeedsNoSidecar() {
    write(5, 0, "abc", 1);
    assertThat(store.version(5, "d0")).isEqualTo(1);
    assertThat(sidecar(5)).doesNotExist();
  }

  @Test
  void olderVersionIsRefusedNamingChunkAndBothVersions() {
    write(5, 0, "abc", 3);
    assertThatThrownBy(() -> write(5, 0, "XYZ", 2))
        .isInstanceOf(StrataException.class)
        .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(StatusCode.STALE_VERSION))
        .hasMessageContaining(ChunkStore.hex(5))
        .hasMessageContaining("version 3")
        .hasMessageContaining("version 2");
    try (ReadResult r = store.read(5, "d0", 0, 3)) {
      assertThat(ByteBufUtil.getBytes(r.data())).isEqualTo("abc".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void newerVersionIsAdoptedAndSurvivesRestart() {
    write(5, 0, "abc", 1);
    write(5, 3, "def", 4);
    assertThat(store.version(5, "d0")).isEqualTo(4);
    store.close();
    store = openStore();
    assertThat(store.version(5, "d0")).isEqualTo(4);
    assertThatThrownBy(() -> write(5, 0, "x", 3))
        .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(StatusCode.STALE_VERSION));
    assertThat(write(5, 6, "g", 4)).isEqualTo(7);
    // Version 0 (callers that predate versions) is not checked.
    assertThat(write(5, 7, "h", 0)).isEqualTo(8);
  }

  @Test
  void deleteRemovesTheSidecar() throws Exception {
    write(5, 0, "abc", 9);
    Path version = sidecar(5);
    assertThat(Files.readString(version).trim()).isEqualTo("9");
    store.delete(5, "d0");
    assertThat(version).doesNotExist();
    assertThat(store.version(5, "d0")).isEqualTo(1);
    write(5, 0, "new", 1);
  }
}
