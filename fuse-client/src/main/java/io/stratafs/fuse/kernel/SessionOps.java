package io.stratafs.fuse.kernel;

import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ops about the session rather than a file: INIT, DESTROY, FORGET, BATCH_FORGET, INTERRUPT.
 * FORGET and BATCH_FORGET are never answered; neither is an INTERRUPT that found its request.
 */
final class SessionOps {
  private static final Logger log = LoggerFactory.getLogger(SessionOps.class);

  private final FuseSession session;

  SessionOps(FuseSession session) {
    this.session = session;
  }

  void register(FuseOp[] table) {
    table[FuseConstants.INIT] = this::init;
    table[FuseConstants.DESTROY] = this::destroy;
    table[FuseConstants.FORGET] = this::forget;
    table[FuseConstants.BATCH_FORGET] = this::batchForget;
    table[FuseConstants.INTERRUPT] = this::interrupt;
  }

  private void init(FuseRequest req, FuseReply reply) {
    InitCodec.InitIn in = InitCodec.decodeIn(req.args);
    InitCodec.InitOut out = InitCodec.negotiate(in);
    InitCodec.encodeOut(reply.payload(), out);
    session.initialized(out);
    log.info(
        "FUSE session initialized: kernel {}.{} flags {}, answered {}.{} flags {} max_write {}",
        in.major(), in.minor(), Long.toHexString(in.flags()), out.major(), out.minor(),
        Long.toHexString(out.flags()), out.maxWrite());
  }

  /** Sent before the kernel tears the connection down (fuseblk); the Vfs is closed by unmount. */
  private void destroy(FuseRequest req, FuseReply reply) {
    log.info("FUSE DESTROY received");
  }

  /** fuse_forget_in: nlookup for the header's node. */
  private void forget(FuseRequest req, FuseReply reply) {
    reply.none();
    session.lookups.forget(req.nodeId, req.args.getLong());
  }

  /** fuse_batch_forget_in: count, dummy; then count fuse_forget_one {nodeid, nlookup}. */
  private void batchForget(FuseRequest req, FuseReply reply) {
    reply.none();
    ByteBuffer a = req.args;
    int count = a.getInt();
    a.getInt();
    for (int i = 0; i < count && a.remaining() >= 16; i++) {
      long node = a.getLong();
      long n = a.getLong();
      session.lookups.forget(node, n);
    }
  }

  /**
   * fuse_interrupt_in: the unique of the request to interrupt. A request still running is marked
   * and the INTERRUPT gets no reply (the request's own reply settles it). When the request is not
   * found — not read yet by its worker, or already answered — the answer is EAGAIN: the kernel
   * then re-queues the INTERRUPT if the request is still pending, and ignores the reply if not,
   * as the kernel's FUSE documentation prescribes.
   */
  private void interrupt(FuseRequest req, FuseReply reply) {
    long target = req.args.getLong();
    if (session.inFlight.interrupt(target)) {
      reply.none();
    } else {
      reply.error(Syscalls.EAGAIN);
    }
  }
}
