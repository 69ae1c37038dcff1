package io.stratafs.fuse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaFilesTest {
  @TempDir Path dir;

  private Path[] pair(String name) throws Exception {
    Path d = Files.writeString(dir.resolve(name + ".chunk"), "data " + name);
    Path c = Files.writeString(dir.resolve(name + ".crc"), "crc " + name);
    return new Path[] {d, c};
  }

  @Test
  void theSameFilesAreReusedAndReplacedOnesReopened() throws Exception {
    try (ReplicaFiles files = new ReplicaFiles(8)) {
      Path[] p = pair("a");
      ReplicaFiles.Open first = files.get(p[0], p[1]);
      assertThat(files.get(p[0], p[1])).isSameAs(first);
      Files.delete(p[1]);
      Files.writeString(p[1], "another crc file"); // a new inode behind the same path
      ReplicaFiles.Open second = files.get(p[0], p[1]);
      assertThat(second).isNotSameAs(first);
      assertThat(first.isOpen()).isFalse();
      assertThat(second.crc().size()).isEqualTo("another crc file".length());
    }
  }

  @Test
  void missingFilesAreReportedAndTheCacheStaysWithinItsCapacity() throws Exception {
    try (ReplicaFiles files = new ReplicaFiles(2)) {
      assertThatThrownBy(() -> files.get(dir.resolve("x.chunk"), dir.resolve("x.crc"))).isInstanceOf(NoSuchFileException.class);
      for (String n : new String[] {"a", "b", "c", "d"}) {
        Path[] p = pair(n);
        assertThat(files.get(p[0], p[1]).isOpen()).isTrue();
      }
      assertThat(files.size()).isLessThanOrEqualTo(2);
    }
  }
}
