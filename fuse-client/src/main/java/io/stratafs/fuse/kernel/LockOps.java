package io.stratafs.fuse.kernel;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.fuse.vfs.FileLock;
import io.stratafs.fuse.vfs.Vfs;
import io.stratafs.fuse.vfs.VfsContext;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lock ops: GETLK, SETLK, SETLKW (POSIX locks, and flock(2) when fuse_lk_in.lk_flags has
 * FUSE_LK_FLOCK; negotiated with FUSE_POSIX_LOCKS and FUSE_FLOCK_LOCKS). SETLKW may wait for
 * minutes, so it is answered from a virtual thread of its own through the descriptor it came
 * from: a worker is never held by a waiting lock, so unlocks and INTERRUPTs of the same mount
 * are still read. An INTERRUPT reaches the wait through the request's {@link
 * io.stratafs.fuse.vfs.Interruption}. Thread-safe.
 */
final class LockOps {
  private static final Logger log = LoggerFactory.getLogger(LockOps.class);

  private final FuseSession session;
  private final Vfs vfs;

  LockOps(FuseSession session) {
    this.session = session;
    this.vfs = session.vfs;
  }

  void register(FuseOp[] table) {
    table[FuseConstants.GETLK] = this::getlk;
    table[FuseConstants.SETLK] = (req, reply) -> setlk(req, reply, false);
    table[FuseConstants.SETLKW] = (req, reply) -> setlk(req, reply, true);
  }

  /** fuse_lk_in: fh, owner, fuse_file_lock {start, end, type, pid}, lk_flags, padding. */
  private record LkIn(long fh, long owner, FileLock lock, boolean flock) {
    static LkIn decode(ByteBuffer a) {
      long fh = a.getLong();
      long owner = a.getLong();
      long start = a.getLong();
      long end = a.getLong();
      int type = a.getInt();
      int pid = a.getInt();
      int lkFlags = a.getInt();
      if (start < 0 || end < 0) {
        throw new StrataException(StatusCode.INVALID_ARGUMENT, "lock range past OFFSET_MAX");
      }
      return new LkIn(fh, owner, new FileLock(start, end, type, pid), (lkFlags & FuseConstants.LK_FLOCK) != 0);
    }
  }

  /** Replies fuse_lk_out: the blocking lock, or F_UNLCK. */
  private void getlk(FuseRequest req, FuseReply reply) {
    LkIn in = LkIn.decode(req.args);
    FileLock l = vfs.getlk(req.context(), req.nodeId, in.fh(), in.owner(), in.lock());
    putLkOut(reply.payload(), l);
  }

  static void putLkOut(ByteBuffer b, FileLock l) {
    b.putLong(l.start());
    b.putLong(l.end());
    b.putInt(l.type());
    b.putInt(l.pid());
  }

  private void setlk(FuseRequest req, FuseReply reply, boolean sleep) {
    LkIn in = LkIn.decode(req.args);
    VfsContext ctx = req.context();
    if (!sleep || in.lock().type() == FileLock.F_UNLCK || req.device == null) {
      vfs.setlk(ctx, req.nodeId, in.fh(), in.owner(), in.lock(), in.flock(), sleep, req);
      return;
    }
    reply.defer();
    long start = System.nanoTime();
    Thread.ofVirtual()
        .name("fuse-setlkw-" + req.unique)
        .start(() -> waitAndReply(req, ctx, in, start));
  }

  /** The deferred SETLKW: waits, answers through the request's descriptor, leaves in-flight. */
  private void waitAndReply(FuseRequest req, VfsContext ctx, LkIn in, long startNanos) {
    FuseReply reply = FuseReply.allocate(FuseConstants.OUT_HEADER_SIZE);
    reply.begin(req.unique);
    try {
      vfs.setlk(ctx, req.nodeId, in.fh(), in.owner(), in.lock(), in.flock(), true, req);
    } catch (StrataException e) {
      reply.error(e.code().errno());
      log.debug("{} failed: {}", req, e.toString());
    } catch (Throwable t) {
      reply.error(StatusCode.IO_ERROR.errno());
      log.error("{} failed unexpectedly; answering EIO", req, t);
    }
    try {
      int errno = req.device.write(reply.seal());
      if (errno != 0 && errno != Syscalls.ENOENT && errno != Syscalls.ENODEV) {
        log.warn("reply to {} refused by the kernel: {}", req, Syscalls.describe(errno));
      }
    } finally {
      session.inFlight.finished(req);
      session.stats.record(req.opcode, System.nanoTime() - startNanos, reply.errno() != 0);
    }
  }
}
