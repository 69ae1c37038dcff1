package io.stratafs.fuse.kernel;

import io.stratafs.fuse.vfs.Vfs;
import io.stratafs.protocol.meta.Attr;
import java.time.Duration;

/**
 * State shared by the op handlers of one mount: the Vfs, cache timeouts, lookup counts, the
 * requests in flight and the negotiated INIT parameters. Thread-safe (its parts are).
 */
final class FuseSession {
  final Vfs vfs;
  final Duration entryTimeout;
  final Duration attrTimeout;
  final LookupCounter lookups;
  final InFlightRequests inFlight = new InFlightRequests();
  final OpStats stats = new OpStats();
  final GroupResolver groups;
  private volatile InitCodec.InitOut init;

  FuseSession(Vfs vfs, Duration entryTimeout, Duration attrTimeout, GroupResolver groups) {
    this.vfs = vfs;
    this.entryTimeout = entryTimeout;
    this.attrTimeout = attrTimeout;
    this.groups = groups;
    this.lookups = new LookupCounter(vfs);
  }

  void initialized(InitCodec.InitOut out) {
    this.init = out;
  }

  /** The negotiated parameters, null before INIT was answered. */
  InitCodec.InitOut init() {
    return init;
  }

  /** Writes fuse_entry_out for {@code attr} and counts the lookup the kernel now holds. */
  void replyEntry(FuseReply reply, Attr attr) {
    replyEntry(reply, attr, 0);
  }

  /** An entry the server gave {@code ageNanos} ago: the kernel keeps it only for what is left. */
  void replyEntry(FuseReply reply, Attr attr, long ageNanos) {
    AttrCodec.putEntryOut(reply.payload(), attr, remaining(entryTimeout, ageNanos), remaining(attrTimeout, ageNanos));
    handOut(reply, attr.getIno());
  }

  private static Duration remaining(Duration timeout, long ageNanos) {
    if (ageNanos <= 0) {
      return timeout;
    }
    Duration left = timeout.minusNanos(ageNanos);
    return left.isNegative() ? Duration.ZERO : left;
  }

  void handOut(FuseReply reply, long ino) {
    lookups.handedOut(ino);
    reply.recordHandout(ino);
  }

  /** The kernel will not see this reply's entries: give their lookup references back. */
  void takeBackHandouts(FuseReply reply) {
    for (int i = 0; i < reply.handedOutCount(); i++) {
      lookups.forget(reply.handedOut(i), 1);
    }
    reply.clearHandouts();
  }
}
