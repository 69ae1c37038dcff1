package io.stratafs.fuse.kernel;

import io.stratafs.common.StrataException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread's loop over its own cloned /dev/fuse descriptor and its own direct buffers: read a
 * request, dispatch it, write the reply in one write(2). Ends when the kernel ends the session
 * (ENODEV: unmounted or aborted). Confined to its thread; {@link #run()} runs once.
 */
final class FuseWorker implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(FuseWorker.class);

  private final FuseDevice device;
  private final FuseDispatcher dispatcher;
  private final ByteBuffer requestBuffer =
      ByteBuffer.allocateDirect(FuseConstants.REQUEST_BUFFER_SIZE);
  private final FuseReply reply = FuseReply.allocate(FuseConstants.REPLY_BUFFER_SIZE);
  private final Runnable onExit;

  FuseWorker(FuseDevice device, FuseDispatcher dispatcher, Runnable onExit) {
    this.device = device;
    this.dispatcher = dispatcher;
    this.onExit = onExit;
  }

  FuseDevice device() {
    return device;
  }

  @Override
  public void run() {
    try {
      while (serveOne(device, requestBuffer, dispatcher, reply)) {
        // next request
      }
      log.debug("{} ends: the kernel closed the FUSE session", Thread.currentThread().getName());
    } catch (RuntimeException e) {
      log.error("{} stops: the FUSE device failed", Thread.currentThread().getName(), e);
    } finally {
      onExit.run();
    }
  }

  /**
   * Reads, serves and answers one request. Returns false once the session has ended. Shared
   * with the INIT handshake, which runs it on the mounting thread before any worker starts.
   */
  static boolean serveOne(
      FuseDevice device, ByteBuffer requestBuffer, FuseDispatcher dispatcher, FuseReply reply) {
    FuseDevice.ReadOutcome outcome = device.read(requestBuffer);
    if (outcome == FuseDevice.ReadOutcome.SESSION_ENDED) {
      return false;
    }
    if (outcome == FuseDevice.ReadOutcome.RETRY) {
      return true;
    }
    FuseSession session = dispatcher.session();
    FuseRequest req;
    try {
      req = FuseRequest.decode(requestBuffer, session.groups);
    } catch (StrataException e) {
      // The kernel never sends these; without a trustworthy header there is no one to answer.
      log.error("dropping a malformed FUSE request: {}", e.getMessage());
      return true;
    }
    session.inFlight.started(req);
    req.device = device;
    try {
      dispatcher.dispatch(req, reply);
      if (reply.shouldSend()) {
        int errno = device.write(reply.seal());
        if (errno != 0) {
          // The kernel refused the reply: the entries in it never reached it.
          session.takeBackHandouts(reply);
          if (errno == Syscalls.ENODEV) {
            return false;
          }
          if (errno != Syscalls.ENOENT) {
            log.warn("reply to {} refused by the kernel: {}", req, Syscalls.describe(errno));
          }
        }
      }
    } finally {
      if (!reply.deferred()) {
        session.inFlight.finished(req);
      }
    }
    return true;
  }
}
