package io.stratafs.fuse.kernel;

import io.stratafs.common.FileLimits;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.fuse.vfs.Vfs;
import java.nio.ByteBuffer;

/**
 * Open-file ops: OPEN, READ, WRITE, FLUSH, RELEASE, FSYNC, FALLOCATE. FLUSH also drops the
 * closing process's POSIX locks and RELEASE the handle's flock and OFD locks: the kernel leaves
 * unlock-on-close of remote locks to the filesystem.
 */
final class FileOps {
  static final int READ_IN_SIZE = 40;
  static final int WRITE_IN_SIZE = 40;

  private final Vfs vfs;

  FileOps(FuseSession session) {
    this.vfs = session.vfs;
  }

  void register(FuseOp[] table) {
    table[FuseConstants.OPEN] = this::open;
    table[FuseConstants.READ] = this::read;
    table[FuseConstants.WRITE] = this::write;
    table[FuseConstants.FLUSH] = this::flush;
    table[FuseConstants.RELEASE] = this::release;
    table[FuseConstants.FSYNC] = this::fsync;
    table[FuseConstants.FALLOCATE] = this::fallocate;
  }

  /**
   * fuse_open_out with no FOPEN_* flags: the kernel drops the page cache at each open, which is
   * what close-to-open consistency across clients needs.
   */
  static void putOpenOut(ByteBuffer b, long fh) {
    b.putLong(fh);
    b.putInt(0);
    b.putInt(0);
  }

  /** fuse_open_in: flags, open_flags. */
  private void open(FuseRequest req, FuseReply reply) {
    int flags = req.args.getInt();
    putOpenOut(reply.payload(), vfs.open(req.context(), req.nodeId, flags));
  }

  /** fuse_read_in: fh, offset, size, read_flags, lock_owner, flags, padding. Data is the reply. */
  private void read(FuseRequest req, FuseReply reply) {
    ByteBuffer a = req.args;
    long fh = a.getLong();
    long offset = a.getLong();
    int size = a.getInt();
    ByteBuffer dst = reply.window(size);
    int n = vfs.read(req.context(), req.nodeId, fh, offset, dst);
    reply.advance(n);
  }

  /** fuse_write_in: fh, offset, size, write_flags, lock_owner, flags, padding; then the data. */
  private void write(FuseRequest req, FuseReply reply) {
    ByteBuffer a = req.args;
    long fh = a.getLong();
    long offset = a.getLong();
    int size = a.getInt();
    a.getInt(); // write_flags
    a.getLong(); // lock_owner
    int flags = a.getInt();
    a.getInt();
    int length = Math.min(size, a.remaining());
    if (offset >= FileLimits.MAX_FILE_SIZE) {
      throw StrataException.of(
          StatusCode.FILE_TOO_BIG, "write at %d is past the maximum file size %d", offset, FileLimits.MAX_FILE_SIZE);
    }
    // As generic_write_checks: a write that starts below the limit is cut short at it.
    length = (int) Math.min(length, FileLimits.MAX_FILE_SIZE - offset);
    ByteBuffer src = a.slice(a.position(), length);
    int n = vfs.write(req.context(), req.nodeId, fh, offset, src, flags);
    reply.payload().putInt(n).putInt(0);
  }

  /** fuse_flush_in: fh, unused, padding, lock_owner. */
  private void flush(FuseRequest req, FuseReply reply) {
    long fh = req.args.getLong();
    req.args.getInt();
    req.args.getInt();
    long lockOwner = req.args.getLong();
    try {
      vfs.flush(req.context(), req.nodeId, fh, lockOwner);
    } finally {
      // close(2) releases the process's POSIX locks on the file, even when the flush failed.
      vfs.unlockPosix(req.context(), req.nodeId, lockOwner);
    }
  }

  /** fuse_release_in: fh, flags, release_flags, lock_owner. */
  private void release(FuseRequest req, FuseReply reply) {
    long fh = req.args.getLong();
    int flags = req.args.getInt();
    int releaseFlags = req.args.getInt();
    long lockOwner = req.args.getLong();
    try {
      vfs.release(req.context(), req.nodeId, fh, flags);
    } finally {
      vfs.releaseLocks(
          req.context(), req.nodeId, fh, (releaseFlags & FuseConstants.RELEASE_FLOCK_UNLOCK) != 0, lockOwner);
    }
  }

  /** fuse_fsync_in: fh, fsync_flags (FUSE_FSYNC_FDATASYNC), padding. */
  private void fsync(FuseRequest req, FuseReply reply) {
    long fh = req.args.getLong();
    int flags = req.args.getInt();
    vfs.fsync(req.context(), req.nodeId, fh, (flags & FuseConstants.FSYNC_FDATASYNC) != 0);
  }

  /** fuse_fallocate_in: fh, offset, length, mode, padding. */
  private void fallocate(FuseRequest req, FuseReply reply) {
    ByteBuffer a = req.args;
    long fh = a.getLong();
    long offset = a.getLong();
    long length = a.getLong();
    int mode = a.getInt();
    vfs.fallocate(req.context(), req.nodeId, fh, mode, offset, length);
  }
}
