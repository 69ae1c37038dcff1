package io.stratafs.storage.external;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryBackendTest extends BlobBackendContract {
  @TempDir Path dir;

  @Override
  protected BlobBackend newBackend() {
    return new DirectoryBackend(dir.resolve("nas"));
  }

  @Test
  void storesKeysAsRelativePathsAndLeavesNoTemporaryFiles() throws IOException {
    backend.put("chunks/0a/x", ByteBuffer.wrap(new byte[] {7}));
    assertThat(Files.readAllBytes(dir.resolve("nas/chunks/0a/x"))).containsExactly(7);
    try (Stream<Path> tmp = Files.list(dir.resolve("nas").resolve(BlobKeys.RESERVED))) {
      assertThat(tmp).isEmpty();
    }
  }

  @Test
  void deletePrunesDirectoriesItEmptied() {
    backend.put("a/b/c/d", ByteBuffer.allocate(1));
    backend.put("a/keep", ByteBuffer.allocate(1));
    backend.delete("a/b/c/d");
    assertThat(dir.resolve("nas/a/b")).doesNotExist();
    assertThat(dir.resolve("nas/a/keep")).exists();
  }

  @Test
  void removesTemporaryFilesLeftByACrashWhenOpened() throws IOException {
    Path leftover = dir.resolve("nas").resolve(BlobKeys.RESERVED).resolve("crashed-put");
    Files.write(leftover, new byte[] {1, 2});
    new DirectoryBackend(dir.resolve("nas")).close();
    assertThat(leftover).doesNotExist();
  }
}
