package io.stratafs.storage.external;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Objects as files under a root directory (a NAS or NFS mount): key {@code a/b/c} is the file
 * {@code <root>/a/b/c}. A put writes {@code <root>/.strata-tmp/<random>}, fsyncs it, renames it
 * over the target and fsyncs the target's directory, so a reader sees the old file or the whole
 * new one and an acknowledged put survives a crash. Temporary files left by a crash are removed
 * when the backend opens. Delete removes directories it leaves empty, so garbage collection of old
 * versions does not leak directories.
 *
 * <p>A key cannot be both an object and a directory ({@code a} and {@code a/b}); S3 allows it,
 * the chunk layout never does it. Such a put is EXISTS.
 */
public final class DirectoryBackend implements BlobBackend {
  private static final int COPY_BUFFER = 256 * 1024;
  // A put retries when a concurrent delete removed the directory it had just created.
  private static final int PUT_ATTEMPTS = 5;

  private final Path root;
  private final Path tmp;

  public DirectoryBackend(Path root) {
    if (!root.isAbsolute()) {
      throw new IllegalArgumentException("directory backend root must be absolute: " + root);
    }
    this.root = root.normalize();
    this.tmp = this.root.resolve(BlobKeys.RESERVED);
    try {
      Files.createDirectories(tmp);
      try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmp)) {
        for (Path p : leftovers) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw map(e, "opening", root.toString());
    }
  }

  public Path root() {
    return root;
  }

  @Override
  public void put(String key, ByteBuffer data) {
    Path target = path(key);
    Path temp = tempFile();
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer b = data.duplicate();
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      publish(temp, target);
    } catch (IOException e) {
      throw map(e, "writing", key);
    } finally {
      deleteQuietly(temp);
    }
  }

  @Override
  public void put(String key, InputStream in, long length) {
    Path target = path(key);
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length + " for " + key);
    }
    Path temp = tempFile();
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        byte[] buf = new byte[(int) Math.min(COPY_BUFFER, Math.max(length, 1))];
        long copied = 0;
        while (copied < length) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, length - copied));
          if (n < 0) {
            throw StrataException.of(
                StatusCode.INVALID_ARGUMENT,
                "content of %s ended after %d of %d bytes; nothing stored", key, copied, length);
          }
          ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
          while (b.hasRemaining()) {
            ch.write(b);
          }
          copied += n;
        }
        ch.force(true);
      }
      publish(temp, target);
    } catch (IOException e) {
      throw map(e, "writing", key);
    } finally {
      deleteQuietly(temp);
    }
  }

  /** Renames the synced temp file over the target and makes the rename durable. */
  private void publish(Path temp, Path target) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        Files.createDirectories(target.getParent());
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        break;
      } catch (NoSuchFileException e) {
        // A concurrent delete pruned the (empty) parent between createDirectories and move.
        if (attempt == PUT_ATTEMPTS) {
          throw e;
        }
      }
    }
    fsyncDirectory(target.getParent());
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  @Override
  public ByteBuffer get(String key) {
    Path p = path(key);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw StrataException.of(StatusCode.FILE_TOO_BIG, "object %s (%d bytes) is too big to read whole", key, size);
      }
      return readFully(ch, 0, (int) size);
    } catch (IOException e) {
      throw map(e, "reading", key);
    }
  }

  @Override
  public ByteBuffer get(String key, long offset, int length) {
    Ranges.check(key, offset, length);
    Path p = path(key);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      long size = ch.size();
      if (offset >= size) {
        return ByteBuffer.allocate(0);
      }
      return readFully(ch, offset, (int) Math.min(length, size - offset));
    } catch (IOException e) {
      throw map(e, "reading", key);
    }
  }

  private static ByteBuffer readFully(FileChannel ch, long offset, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      // Objects are immutable once renamed into place, so a short file means someone else
      // truncated it behind our back.
      if (ch.read(b, offset + b.position()) < 0) {
        throw new IOException("file ended at " + (offset + b.position()) + " while reading " + n + " bytes");
      }
    }
    return b.flip();
  }

  @Override
  public Optional<BlobInfo> head(String key) {
    Path p = path(key);
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return a.isRegularFile() ? Optional.of(new BlobInfo(key, a.size())) : Optional.empty();
    } catch (NoSuchFileException | NotDirectoryException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw map(e, "inspecting", key);
    }
  }

  @Override
  public void delete(String key) {
    Path p = path(key);
    try {
      if (Files.isDirectory(p)) {
        return; // only a directory of other objects; no object by this name
      }
      Files.deleteIfExists(p);
      pruneEmptyParents(p.getParent());
    } catch (NotDirectoryException e) {
      // A prefix of the key is an object: this key cannot exist.
    } catch (IOException e) {
      throw map(e, "deleting", key);
    }
  }

  private void pruneEmptyParents(Path dir) throws IOException {
    for (Path d = dir; d != null && !d.equals(root) && d.startsWith(root); d = d.getParent()) {
      try {
        Files.delete(d);
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        return;
      }
    }
  }

  @Override
  public BlobPage list(String prefix, String startAfter, int limit) {
    Ranges.checkLimit(limit);
    BlobKeys.checkPrefix(prefix);
    // Walk from the deepest directory that contains every key with this prefix.
    int slash = prefix.lastIndexOf('/');
    String dirKey = slash < 0 ? "" : prefix.substring(0, slash + 1);
    Path dir = dirKey.isEmpty() ? root : root.resolve(dirKey);
    List<BlobInfo> out = new ArrayList<>();
    try {
      boolean more = walk(dir, dirKey, prefix, startAfter, limit, out);
      return new BlobPage(out, more);
    } catch (IOException e) {
      throw map(e, "listing", prefix);
    }
  }

  /**
   * Visits {@code dir} in key order, adding matching objects to {@code out}; returns true when a
   * matching object beyond {@code limit} exists. Children sort by name, a directory's name with
   * {@code /} appended: that is exactly the byte order of the full keys below them.
   */
  private boolean walk(Path dir, String dirKey, String prefix, String startAfter, int limit, List<BlobInfo> out)
      throws IOException {
    record Child(String sortKey, Path path, BasicFileAttributes attrs) {}
    List<Child> children = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
          continue; // deleted while we list
        }
        String name = p.getFileName().toString();
        if (dirKey.isEmpty() && name.equals(BlobKeys.RESERVED)) {
          continue;
        }
        children.add(new Child(dirKey + name + (a.isDirectory() ? "/" : ""), p, a));
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return false;
    }
    children.sort(Comparator.comparing(Child::sortKey));
    for (Child c : children) {
      String k = c.sortKey();
      if (c.attrs().isDirectory()) {
        boolean overlapsPrefix = k.startsWith(prefix) || prefix.startsWith(k);
        // Every key below starts with k: all of them are <= startAfter when startAfter sorts
        // after k without starting with it.
        boolean allBeforeStart = startAfter.compareTo(k) > 0 && !startAfter.startsWith(k);
        if (overlapsPrefix && !allBeforeStart && walk(c.path(), k, prefix, startAfter, limit, out)) {
          return true;
        }
      } else if (c.attrs().isRegularFile() && k.startsWith(prefix) && k.compareTo(startAfter) > 0) {
        if (out.size() == limit) {
          return true;
        }
        out.add(new BlobInfo(k, c.attrs().size()));
      }
    }
    return false;
  }

  private Path path(String key) {
    Path p = root.resolve(BlobKeys.check(key)).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new AssertionError("validated key " + key + " escapes " + root);
    }
    return p;
  }

  private Path tempFile() {
    return tmp.resolve(UUID.randomUUID().toString());
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // Removed at the next open.
    }
  }

  private StrataException map(IOException e, String operation, String key) {
    // "Is a directory": the key names a directory of other objects, not an object; reading it
    // finds no object, writing it collides with them.
    boolean isDirectory = String.valueOf(e.getMessage()).contains("Is a directory");
    boolean writing = operation.equals("writing");
    if (e instanceof NoSuchFileException || e instanceof NotDirectoryException || (isDirectory && !writing)) {
      return new StrataException(StatusCode.NOT_FOUND, "no object " + key + " in " + describe(), e);
    }
    if (e instanceof FileAlreadyExistsException || e instanceof DirectoryNotEmptyException || isDirectory) {
      return new StrataException(
          StatusCode.EXISTS,
          String.format("%s %s in %s: a prefix of the key is an object, or the key a directory of objects (%s)",
              operation, key, describe(), e.getMessage()),
          e);
    }
    if (e instanceof AccessDeniedException ade) {
      return new StrataException(
          StatusCode.ACCESS_DENIED,
          String.format("%s %s in %s: permission denied on %s; give the daemon's user read-write access",
              operation, key, describe(), ade.getFile()),
          e);
    }
    String msg = String.valueOf(e.getMessage());
    if (msg.contains("No space left on device") || msg.contains("Disk quota exceeded")) {
      return new StrataException(
          StatusCode.NO_SPACE, String.format("%s %s: %s is full (%s)", operation, key, describe(), msg), e);
    }
    return new StrataException(
        StatusCode.IO_ERROR, String.format("I/O error %s %s in %s: %s", operation, key, describe(), e), e);
  }

  @Override
  public String describe() {
    return "directory backend " + root;
  }

  @Override
  public void close() {}
}
