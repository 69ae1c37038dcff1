package io.stratafs.fuse.kernel;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each request to the handler of its opcode through the one wrapper every op goes
 * through: it times and counts the op, DEBUG-logs it, answers a {@link StrataException} with the
 * errno of its code and anything else with EIO plus an ERROR log carrying the stack trace.
 * Opcodes the Vfs does not cover (bmap, ioctl, poll, lseek, copy_file_range,
 * DAX mappings, syncfs, tmpfile, statx...) and unknown ones are answered ENOSYS, which makes the
 * kernel fall back to its generic behaviour or stop sending them. Thread-safe: handlers are.
 */
final class FuseDispatcher {
  private static final Logger log = LoggerFactory.getLogger(FuseDispatcher.class);

  private final FuseSession session;
  private final FuseOp[] table = new FuseOp[FuseConstants.OPCODE_LIMIT];

  FuseDispatcher(FuseSession session) {
    this.session = session;
    new SessionOps(session).register(table);
    new EntryOps(session).register(table);
    new NamespaceOps(session).register(table);
    new AttrOps(session).register(table);
    new FileOps(session).register(table);
    new DirOps(session).register(table);
    new XattrOps(session).register(table);
    new LockOps(session).register(table);
  }

  FuseSession session() {
    return session;
  }

  /** Serves one request; on return {@code reply} holds the answer (or says none is due). */
  void dispatch(FuseRequest req, FuseReply reply) {
    reply.begin(req.unique);
    int opcode = req.opcode;
    FuseOp op = opcode >= 0 && opcode < table.length ? table[opcode] : null;
    long start = System.nanoTime();
    try {
      if (op == null) {
        reply.error(StatusCode.NOT_IMPLEMENTED.errno());
      } else {
        op.handle(req, reply);
      }
    } catch (StrataException e) {
      reply.error(e.code().errno());
      if (log.isDebugEnabled()) {
        log.debug("{} failed: {}", req, e.toString());
      }
    } catch (Throwable t) { // every unexpected failure, including Errors, becomes EIO once, here
      reply.error(StatusCode.IO_ERROR.errno());
      log.error("{} failed unexpectedly; answering EIO", req, t);
    }
    if (reply.errno() != 0 && reply.handedOutCount() > 0) {
      session.takeBackHandouts(reply);
    }
    long elapsed = System.nanoTime() - start;
    if (!reply.deferred()) { // a deferred op records itself when it answers
      session.stats.record(opcode, elapsed, reply.errno() != 0);
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "{} -> {} in {} us", req, reply.errno() == 0 ? "ok" : "errno " + reply.errno(),
          elapsed / 1000);
    }
  }
}
