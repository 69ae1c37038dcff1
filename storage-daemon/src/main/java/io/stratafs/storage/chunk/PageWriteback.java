package io.stratafs.storage.chunk;

import java.io.IOException;
import java.nio.file.FileStore;
import java.util.Set;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linux's {@code sync_file_range(2)}: writes a file's dirty pages to the device, and may wait for
 * those writes to complete, without the device cache flush an {@code fdatasync} adds. It persists
 * no metadata, so it alone makes nothing durable; {@link WriteOp#force} pairs it with one {@code
 * fdatasync} of another file on the same filesystem, whose flush covers every write the device
 * completed before it (ADR 027). {@link WriteBehind} starts the write-back of sequential writes
 * with it early, so their sync finds little left to write (ADR 031), and drops their pages from
 * the page cache once written, with {@code posix_fadvise} (ADR 036). Its descriptors are
 * read-only ({@link io.stratafs.common.ReadOnlyDescriptors}): they only start and wait for
 * write-back of pages written through the chunk's channels. Thread-safe.
 */
final class PageWriteback {
  private static final Logger LOG = LoggerFactory.getLogger(PageWriteback.class);
  private static final int EINTR = 4;
  private static final int WAIT_BEFORE = 1;
  private static final int WRITE = 2;
  private static final int WAIT_AFTER = 4;
  private static final int POSIX_FADV_DONTNEED = 4;
  /**
   * Filesystems that overwrite a file's allocated blocks in place and flush the device cache on
   * every fdatasync, whatever the file; copy-on-write ones (btrfs, zfs) move overwritten blocks,
   * which is metadata sync_file_range does not persist.
   */
  private static final Set<String> IN_PLACE_FILESYSTEMS = Set.of("ext4", "xfs");

  public interface LibC {
    @SaveError
    int sync_file_range(int fd, long offset, long nbytes, int flags);

    /** Returns the error number itself, not -1 with errno. */
    int posix_fadvise(int fd, long offset, long len, int advice);
  }

  private static final LibC LIBC = load();

  private PageWriteback() {}

  private static LibC load() {
    try {
      return LibraryLoader.create(LibC.class).load("c");
    } catch (LinkageError | RuntimeException e) {
      LOG.warn("sync_file_range is not available ({}); every chunk sync flushes the device twice", e.toString());
      return null;
    }
  }

  /**
   * Whether chunk syncs on the filesystem of {@code store} may write checksum pages with
   * sync_file_range and leave the one device flush to the data file's fdatasync.
   */
  static boolean supports(FileStore store) {
    return LIBC != null && IN_PLACE_FILESYSTEMS.contains(store.type());
  }


  /** Starts writing the file's dirty pages to the device; returns without waiting. */
  static void start(int fd) throws IOException {
    start(fd, 0, 0); // a length of 0 reaches to the end of the file
  }

  /**
   * Starts writing the dirty pages of {@code length} bytes from {@code offset} to the device;
   * returns without waiting for them. A write-back error is kept for the next fdatasync of the
   * file, which reports it, as the kernel's own write-back would.
   */
  static void start(int fd, long offset, long length) throws IOException {
    call(fd, offset, length, WRITE, "start");
  }

  /** Writes the file's dirty pages to the device and waits until the device has them all. */
  static void await(int fd) throws IOException {
    call(fd, 0, 0, WAIT_BEFORE | WRITE | WAIT_AFTER, "await");
  }

  /**
   * Writes the dirty pages of {@code length} bytes from {@code offset}, waits until the device has
   * them, then drops those pages from the page cache. Only clean pages are dropped, so a page
   * written again meanwhile stays; a write-back error is kept for the next fdatasync, as above.
   */
  static void dropWhenWritten(int fd, long offset, long length) throws IOException {
    call(fd, offset, length, WAIT_BEFORE | WRITE | WAIT_AFTER, "wait");
    int errno = LIBC.posix_fadvise(fd, offset, length, POSIX_FADV_DONTNEED);
    if (errno != 0) {
      throw new IOException("posix_fadvise (DONTNEED) of descriptor " + fd + " failed: errno " + errno);
    }
  }

  private static void call(int fd, long offset, long length, int flags, String what) throws IOException {
    while (LIBC.sync_file_range(fd, offset, length, flags) != 0) {
      int errno = errno();
      if (errno != EINTR) {
        // EIO here is a failed page write: the caller's sync fails, as an fdatasync's would.
        throw new IOException("sync_file_range (" + what + ") of descriptor " + fd + " failed: errno " + errno);
      }
    }
  }

  private static int errno() {
    return LastError.getLastError(Runtime.getRuntime(LIBC));
  }
}
