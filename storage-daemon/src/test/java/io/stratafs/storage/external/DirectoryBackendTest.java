package io.stratafs.storage.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
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
  void aKeyThatIsADirectoryOfObjectsIsNoObject() {
    backend.put("dir/obj", ByteBuffer.allocate(1));
    assertThat(backend.head("dir")).isEmpty();
    assertThatThrownBy(() -> backend.get("dir"))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.NOT_FOUND));
    backend.delete("dir");
    assertThat(backend.exists("dir/obj")).isTrue();
    assertThatThrownBy(() -> backend.put("dir/obj/below", ByteBuffer.allocate(1)))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.EXISTS));
    assertThatThrownBy(() -> backend.put("dir", ByteBuffer.allocate(1)))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.EXISTS));
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
