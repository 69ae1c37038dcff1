package io.stratafs.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Directories, links, renames, xattrs and precise errors through a real mount. */
@Timeout(300)
class NamespaceTest {
  @RegisterExtension static final MountedClusterExtension FS = new MountedClusterExtension();

  @Test
  void aDirectoryOfTenThousandEntriesListsCompletely() throws IOException {
    Path dir = FS.newDir("big");
    for (int i = 0; i < 10_000; i++) {
      Files.createFile(dir.resolve("f" + i));
    }
    Set<String> names = new HashSet<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    }
    assertThat(names).hasSize(10_000).contains("f0", "f9999");
    assertThat(Files.isRegularFile(dir.resolve("f5000"))).isTrue();
    for (int i = 0; i < 10_000; i++) {
      Files.delete(dir.resolve("f" + i));
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.count()).isZero();
    }
    Files.delete(dir);
  }

  @Test
  void renameLinkSymlinkAndTheirErrors() throws IOException {
    Path dir = FS.newDir("ns");
    Path a = Files.writeString(dir.resolve("a"), "alpha");
    Path b = Files.writeString(dir.resolve("b"), "beta");
    Files.move(a, b, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    assertThat(Files.exists(a)).isFalse();
    assertThat(Files.readString(b)).isEqualTo("alpha");

    Path hard = dir.resolve("hard");
    Files.createLink(hard, b);
    assertThat(Files.getAttribute(b, "unix:nlink")).isEqualTo(2);
    Files.delete(b);
    assertThat(Files.readString(hard)).isEqualTo("alpha");
    assertThat(Files.getAttribute(hard, "unix:nlink")).isEqualTo(1);

    Path link = Files.createSymbolicLink(dir.resolve("sym"), Path.of("hard"));
    assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("hard"));
    assertThat(Files.readString(link)).isEqualTo("alpha");
    assertThat(Files.isSymbolicLink(link)).isTrue();

    Path sub = Files.createDirectories(dir.resolve("d1/d2"));
    assertThatThrownBy(() -> Files.delete(dir.resolve("d1"))).isInstanceOf(DirectoryNotEmptyException.class);
    assertThatThrownBy(() -> Files.createDirectory(sub)).isInstanceOf(FileAlreadyExistsException.class);
    assertThatThrownBy(() -> Files.readString(dir.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
    // A directory into its own subtree is EINVAL.
    assertThatThrownBy(() -> Files.move(dir.resolve("d1"), sub.resolve("inside")))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("Invalid argument");
    // Over a non-empty directory: ENOTEMPTY. Over an empty one: allowed.
    Path empty = Files.createDirectory(dir.resolve("empty"));
    Files.move(empty, dir.resolve("d1/d2"), StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.isDirectory(dir.resolve("d1/d2"))).isTrue();
    Files.writeString(dir.resolve("d1/d2/x"), "x");
    Path other = Files.createDirectory(dir.resolve("other"));
    assertThatThrownBy(() -> Files.move(other, dir.resolve("d1"), StandardCopyOption.REPLACE_EXISTING))
        .isInstanceOf(DirectoryNotEmptyException.class);
  }

  @Test
  void longNamesAreRefusedPrecisely() throws IOException {
    Path dir = FS.newDir("names");
    Files.createFile(dir.resolve("n".repeat(255)));
    assertThatThrownBy(() -> Files.createFile(dir.resolve("n".repeat(256))))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("File name too long");
  }

  @Test
  void modesOwnersTimesAndSpecialFiles() throws Exception {
    Path dir = FS.newDir("attrs");
    Path f = Files.createFile(dir.resolve("f"));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-x---"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rwxr-x---");
    Shell.ok(dir, "chown", "1234:5678", f.toString());
    assertThat(Files.getAttribute(f, "unix:uid")).isEqualTo(1234);
    assertThat(Files.getAttribute(f, "unix:gid")).isEqualTo(5678);
    Shell.ok(dir, "touch", "-m", "-d", "2001-02-03 04:05:06.123456789", f.toString());
    assertThat(Shell.ok(dir, "stat", "-c", "%y", f.toString())).startsWith("2001-02-03 04:05:06.123456789");
    Shell.ok(dir, "mkfifo", dir.resolve("fifo").toString());
    assertThat(Shell.ok(dir, "stat", "-c", "%F", dir.resolve("fifo").toString()).trim()).isEqualTo("fifo");
    Shell.ok(dir, "mknod", dir.resolve("null").toString(), "c", "1", "3");
    assertThat(Shell.ok(dir, "stat", "-c", "%F %t %T", dir.resolve("null").toString()).trim())
        .isEqualTo("character special file 1 3");
    assertThat(Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)).isTrue();
  }

  @Test
  void extendedAttributes() throws IOException {
    Path f = Files.createFile(FS.newDir("xattr").resolve("f"));
    UserDefinedFileAttributeView view = Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
    view.write("color", ByteBuffer.wrap("blue".getBytes(StandardCharsets.UTF_8)));
    view.write("empty", ByteBuffer.allocate(0));
    assertThat(view.list()).containsExactlyInAnyOrder("color", "empty");
    ByteBuffer buf = ByteBuffer.allocate(view.size("color"));
    view.read("color", buf);
    assertThat(new String(buf.array(), StandardCharsets.UTF_8)).isEqualTo("blue");
    view.delete("color");
    assertThat(view.list()).containsExactly("empty");
    assertThatThrownBy(() -> view.size("color")).isInstanceOf(FileSystemException.class);
  }

  @Test
  void statfsReportsRealCapacity() throws IOException {
    var store = Files.getFileStore(FS.mnt());
    assertThat(store.getTotalSpace()).isPositive();
    assertThat(store.getUsableSpace()).isPositive().isLessThanOrEqualTo(store.getTotalSpace());
  }
}
