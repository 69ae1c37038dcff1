package io.stratafs.posix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** File contents through a real mount: multi-chunk, random offsets, sparse, truncate. Chunks are 1 MiB. */
@Timeout(300)
class FileDataTest {
  @RegisterExtension static final MountedClusterExtension FS = new MountedClusterExtension();

  @Test
  void randomOffsetWritesAcrossSeveralChunksMatchAReferenceCopy() throws IOException {
    Path f = FS.newDir("random").resolve("data.bin");
    byte[] ref = new byte[6 << 20];
    Random rnd = new Random(42);
    try (FileChannel ch =
        FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      for (int i = 0; i < 300; i++) {
        int len = 1 + rnd.nextInt(300_000);
        int off = rnd.nextInt(ref.length - len);
        byte[] chunk = new byte[len];
        rnd.nextBytes(chunk);
        System.arraycopy(chunk, 0, ref, off, len);
        ch.write(ByteBuffer.wrap(chunk), off);
      }
      ch.write(ByteBuffer.wrap(new byte[] {ref[ref.length - 1]}), ref.length - 1);
      // Read back through the same descriptor before close: read-your-writes.
      ByteBuffer back = ByteBuffer.allocate(ref.length);
      while (back.hasRemaining() && ch.read(back, back.position()) > 0) {}
      assertThat(Arrays.equals(back.array(), ref)).as("read before close equals reference").isTrue();
    }
    assertThat(Files.size(f)).isEqualTo(ref.length);
    assertThat(Arrays.equals(Files.readAllBytes(f), ref)).as("read after close equals reference").isTrue();
  }

  @Test
  void sparseFilesReadZerosInTheHoles() throws IOException {
    Path f = FS.newDir("sparse").resolve("sparse.bin");
    long far = (5L << 20) + 12345;
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap("head".getBytes()), 0);
      ch.write(ByteBuffer.wrap("tail".getBytes()), far);
    }
    assertThat(Files.size(f)).isEqualTo(far + 4);
    byte[] all = Files.readAllBytes(f);
    assertThat(new String(all, 0, 4)).isEqualTo("head");
    assertThat(new String(all, (int) far, 4)).isEqualTo("tail");
    for (int i = 4; i < far; i++) {
      if (all[i] != 0) {
        throw new AssertionError("hole byte " + i + " is " + all[i]);
      }
    }
  }

  @Test
  void truncateDownThenUpExposesZerosNotOldData() throws IOException {
    Path f = FS.newDir("truncate").resolve("t.bin");
    byte[] data = new byte[3 << 20];
    new Random(7).nextBytes(data);
    Files.write(f, data);
    int cut = (3 << 19) + 777; // inside the second chunk
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(cut);
    }
    assertThat(Files.size(f)).isEqualTo(cut);
    assertThat(Arrays.equals(Files.readAllBytes(f), Arrays.copyOf(data, cut))).isTrue();
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {1}), (4 << 20) - 1); // grow to 4 MiB
    }
    byte[] grown = Files.readAllBytes(f);
    assertThat(grown).hasSize(4 << 20);
    assertThat(Arrays.equals(Arrays.copyOf(grown, cut), Arrays.copyOf(data, cut))).isTrue();
    for (int i = cut; i < grown.length - 1; i++) {
      if (grown[i] != 0) {
        throw new AssertionError("byte " + i + " after truncate+grow is " + grown[i] + ", expected 0");
      }
    }
    assertThat(grown[grown.length - 1]).isEqualTo((byte) 1);
  }

  @Test
  void ddWithFsyncReadsBackTheSameChecksum() throws Exception {
    Path dir = FS.newDir("dd");
    Path local = FS.base().resolve("dd-source.bin");
    byte[] data = new byte[24 << 20];
    new Random(3).nextBytes(data);
    Files.write(local, data);
    Shell.ok(dir, "dd", "if=" + local, "of=" + dir.resolve("copy.bin"), "bs=1M", "conv=fsync", "status=none");
    String a = Shell.ok(dir, "sha256sum", local.toString()).split(" ")[0];
    String b = Shell.ok(dir, "sha256sum", dir.resolve("copy.bin").toString()).split(" ")[0];
    assertThat(b).isEqualTo(a);
  }

  @Test
  void twoProcessesWritingDifferentFilesAtOnce() throws Exception {
    Path dir = FS.newDir("parallel");
    Path[] sources = new Path[2];
    for (int i = 0; i < 2; i++) {
      byte[] data = new byte[16 << 20];
      new Random(100 + i).nextBytes(data);
      sources[i] = Files.write(FS.base().resolve("par-" + i + ".bin"), data);
    }
    Process[] ps = new Process[2];
    for (int i = 0; i < 2; i++) {
      ps[i] = new ProcessBuilder("dd", "if=" + sources[i], "of=" + dir.resolve("out-" + i), "bs=256k", "status=none")
          .redirectErrorStream(true)
          .start();
    }
    for (Process p : ps) {
      assertThat(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }
    for (int i = 0; i < 2; i++) {
      assertThat(Arrays.equals(Files.readAllBytes(dir.resolve("out-" + i)), Files.readAllBytes(sources[i])))
          .as("file %d", i)
          .isTrue();
    }
  }
}
