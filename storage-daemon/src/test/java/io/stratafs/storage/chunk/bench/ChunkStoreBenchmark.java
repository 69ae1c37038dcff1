package io.stratafs.storage.chunk.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.stratafs.storage.DeviceSpec;
import io.stratafs.storage.chunk.ChunkStore;
import io.stratafs.storage.chunk.ReadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The storage daemon's {@link ChunkStore} without RPC or FUSE: a 1 MiB write (CRC32C of every
 * block, no fsync), a 1 MiB read verified against the block CRCs, and a 4 KiB read at a random
 * aligned offset (which verifies its one 4 KiB block). One 64 MiB chunk on one device in
 * a temporary directory; reads hit the page cache, so this measures the store's own cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChunkStoreBenchmark {
  private static final int MIB = 1 << 20;
  private static final int CHUNK_MIBS = 64;
  private static final long WRITE_CHUNK = 1;
  private static final long READ_CHUNK = 2;

  private Path dir;
  private ChunkStore store;
  private ByteBuf oneMiB;
  private final SplittableRandom random = new SplittableRandom(42);
  private int nextWrite;
  private int nextRead;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("strata-chunkstore-bench");
    store = ChunkStore.open("bench", List.of(new DeviceSpec("d0", "nvme", dir.resolve("d0"))));
    byte[] bytes = new byte[MIB];
    ThreadLocalRandom.current().nextBytes(bytes);
    oneMiB = PooledByteBufAllocator.DEFAULT.directBuffer(MIB).writeBytes(bytes);
    for (int i = 0; i < CHUNK_MIBS; i++) {
      store.write(READ_CHUNK, "d0", (long) i * MIB, oneMiB, false);
    }
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    store.close();
    oneMiB.release();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  public long writeOneMiB() {
    long offset = (long) (nextWrite++ % CHUNK_MIBS) * MIB;
    return store.write(WRITE_CHUNK, "d0", offset, oneMiB, false);
  }

  @Benchmark
  public int readOneMiB() {
    long offset = (long) (nextRead++ % CHUNK_MIBS) * MIB;
    try (ReadResult r = store.read(READ_CHUNK, "d0", offset, MIB)) {
      return r.data().readableBytes();
    }
  }

  @Benchmark
  public int randomRead4KiB() {
    long offset = (long) random.nextInt(CHUNK_MIBS * (MIB / 4096)) * 4096;
    try (ReadResult r = store.read(READ_CHUNK, "d0", offset, 4096)) {
      return r.data().readableBytes();
    }
  }
}
