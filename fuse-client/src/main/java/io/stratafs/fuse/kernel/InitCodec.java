package io.stratafs.fuse.kernel;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.nio.ByteBuffer;

/**
 * The INIT handshake: what the kernel offers (fuse_init_in) and what this adapter answers
 * (fuse_init_out). Flags above bit 31 travel in flags2 and only when FUSE_INIT_EXT is set on both
 * sides. Stateless.
 */
final class InitCodec {
  /** Capabilities this adapter implements; the reply carries their intersection with the offer. */
  static final long WANTED_FLAGS =
      FuseConstants.ASYNC_READ
          | FuseConstants.BIG_WRITES
          | FuseConstants.PARALLEL_DIROPS
          | FuseConstants.MAX_PAGES
          | FuseConstants.DO_READDIRPLUS
          | FuseConstants.READDIRPLUS_AUTO
          | FuseConstants.CACHE_SYMLINKS
          | FuseConstants.POSIX_LOCKS
          | FuseConstants.FLOCK_LOCKS
          // The metadata server clears suid/sgid itself (CommitWrite, setattr, chown), so the
          // kernel need not ask for security.capability before every write (one metadata round
          // trip per write(2) without it).
          | FuseConstants.HANDLE_KILLPRIV_V2;

  static final int MAX_BACKGROUND = 64;
  static final int CONGESTION_THRESHOLD = 48;

  private InitCodec() {}

  /** fuse_init_in; {@code flags} is the 64-bit view (flags | flags2 << 32 when INIT_EXT). */
  record InitIn(int major, int minor, int maxReadahead, long flags) {}

  /** fuse_init_out fields this adapter sets. */
  record InitOut(
      int major,
      int minor,
      int maxReadahead,
      long flags,
      int maxBackground,
      int congestionThreshold,
      int maxWrite,
      int timeGran,
      int maxPages) {
    boolean has(long flag) {
      return (flags & flag) != 0;
    }
  }

  static InitIn decodeIn(ByteBuffer b) {
    int major = b.getInt();
    int minor = b.getInt();
    int maxReadahead = b.getInt();
    long flags = Integer.toUnsignedLong(b.getInt());
    if ((flags & FuseConstants.INIT_EXT) != 0 && b.remaining() >= 4) {
      flags |= Integer.toUnsignedLong(b.getInt()) << 32;
    }
    return new InitIn(major, minor, maxReadahead, flags);
  }

  /** Chooses the protocol version and capabilities; refuses kernels older than 7.31. */
  static InitOut negotiate(InitIn in) {
    if (in.major() != FuseConstants.KERNEL_MAJOR
        || in.minor() < FuseConstants.MINIMUM_MINOR) {
      throw new StrataException(
          StatusCode.PROTOCOL_ERROR,
          "kernel FUSE protocol " + in.major() + "." + in.minor() + " is not supported; StrataFS"
              + " needs 7." + FuseConstants.MINIMUM_MINOR + " or newer (Linux 5.10+)");
    }
    long flags = in.flags() & WANTED_FLAGS;
    if ((flags >>> 32) != 0) {
      flags |= FuseConstants.INIT_EXT;
    }
    return new InitOut(
        FuseConstants.KERNEL_MAJOR,
        Math.min(in.minor(), FuseConstants.IMPLEMENTED_MINOR),
        in.maxReadahead(),
        flags,
        MAX_BACKGROUND,
        CONGESTION_THRESHOLD,
        FuseConstants.MAX_WRITE,
        1,
        FuseConstants.MAX_PAGES_WANTED);
  }

  static void encodeOut(ByteBuffer b, InitOut o) {
    b.putInt(o.major());
    b.putInt(o.minor());
    b.putInt(o.maxReadahead());
    b.putInt((int) o.flags());
    b.putShort((short) o.maxBackground());
    b.putShort((short) o.congestionThreshold());
    b.putInt(o.maxWrite());
    b.putInt(o.timeGran());
    b.putShort((short) o.maxPages());
    b.putShort((short) 0); // map_alignment: no DAX
    b.putInt((int) (o.flags() >>> 32));
    for (int i = 0; i < 7; i++) {
      b.putInt(0);
    }
  }

  static InitOut decodeOut(ByteBuffer b) {
    int major = b.getInt();
    int minor = b.getInt();
    int maxReadahead = b.getInt();
    long flags = Integer.toUnsignedLong(b.getInt());
    int maxBackground = Short.toUnsignedInt(b.getShort());
    int congestion = Short.toUnsignedInt(b.getShort());
    int maxWrite = b.getInt();
    int timeGran = b.getInt();
    int maxPages = Short.toUnsignedInt(b.getShort());
    b.getShort();
    long flags2 = Integer.toUnsignedLong(b.getInt());
    b.position(b.position() + 28);
    return new InitOut(
        major, minor, maxReadahead, flags | (flags2 << 32), maxBackground, congestion, maxWrite,
        timeGran, maxPages);
  }
}
