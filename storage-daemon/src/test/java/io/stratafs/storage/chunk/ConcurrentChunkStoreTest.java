package io.stratafs.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.stratafs.storage.DeviceSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many threads, many chunks, a cache far smaller than the working set: evictions under load. */
class ConcurrentChunkStoreTest {
  @TempDir Path dir;

  @Test
  void parallelWritersAndReadersSeeTheirOwnBytes() throws Exception {
    int threads = 6;
    int chunks = 24;
    int slice = 10_000;
    try (ChunkStore store =
            ChunkStore.open("s1", List.of(new DeviceSpec("d0", "ssd", dir.resolve("d0"))), 0, 3);
        ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < 3; round++) {
                    for (int c = 0; c < chunks; c++) {
                      byte[] bytes = new byte[slice];
                      java.util.Arrays.fill(bytes, (byte) (thread * 31 + c + round));
                      long offset = (long) thread * slice + 30_000L * (c % 3);
                      ByteBuf buf = Unpooled.wrappedBuffer(bytes);
                      store.write(c, "d0", offset, buf, false);
                      buf.release();
                      try (ReadResult r = store.read(c, "d0", offset, slice)) {
                        assertThat(ByteBufUtil.getBytes(r.data())).isEqualTo(bytes);
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(store.usage().getFirst().chunks()).isEqualTo(chunks);
    }
  }
}
