package io.stratafs.common;

/**
 * Size limits every layer agrees on. The kernel lets a FUSE file grow to 2^63 - 1 bytes (FUSE has
 * no way to announce a smaller s_maxbytes), so StrataFS enforces its own maximum file size and
 * answers {@link StatusCode#FILE_TOO_BIG} (EFBIG) past it, as ext4 does past its 16 TiB: offsets
 * near 2^63 would overflow chunk arithmetic (offset + length, chunk index * chunk size) long before
 * any storage could hold them. See docs/posix.md.
 */
public final class FileLimits {
  /** 16 TiB: the largest size a file may have (ext4 with 4 KiB blocks allows 16 TiB - 4 KiB). */
  public static final long MAX_FILE_SIZE = 1L << 44;

  private FileLimits() {}
}
