package io.stratafs.fuse.vfs;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.fuse.client.MetaClient;
import io.stratafs.protocol.meta.CancelLockWaitRequest;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.EmptyReply;
import io.stratafs.protocol.meta.GetLkReply;
import io.stratafs.protocol.meta.HeldLock;
import io.stratafs.protocol.meta.LockRequest;
import io.stratafs.protocol.meta.SetLkReply;
import io.stratafs.protocol.meta.UnlockOwnerRequest;
import io.stratafs.protocol.rpc.Methods;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Advisory locks for the Vfs: every lock lives in the metadata leader's lock table (meta.GetLk,
 * SetLk, UnlockOwner, CancelLockWait), so processes on this mount and on other mounts see one
 * another's locks. A blocking request is a loop of bounded server-side waits; an INTERRUPT sends
 * CancelLockWait so the parked wait ends with INTERRUPTED at once.
 *
 * <p>It remembers which POSIX owners locked through which handle, so that a close (FLUSH) costs
 * an RPC only for owners that may hold locks, and the last close of a handle (RELEASE) can drop
 * the locks of owners that are open file descriptions (OFD locks), which the kernel never
 * unlocks itself. Thread-safe.
 */
final class LockClient {
  private static final Logger log = LoggerFactory.getLogger(LockClient.class);

  private final MetaClient meta;
  /** ino → fh → POSIX owners that set a lock through that handle and were not unlocked since. */
  private final Map<Long, Map<Long, Set<Long>>> posixOwners = new ConcurrentHashMap<>();

  LockClient(MetaClient meta) {
    this.meta = meta;
  }

  FileLock getlk(VfsContext ctx, long ino, long owner, FileLock lock, boolean flock) {
    LongFunction<Caller> c = Callers.of(ctx);
    GetLkReply reply =
        meta.call(Methods.META_GETLK, sid -> request(c.apply(sid), ino, owner, lock, flock, false), GetLkReply.parser());
    if (!reply.hasConflict()) {
      return FileLock.unlocked();
    }
    HeldLock h = reply.getConflict();
    return new FileLock(h.getStart(), h.getEnd(), h.getType(), h.getPid());
  }

  void setlk(
      VfsContext ctx, long ino, long fh, long owner, FileLock lock, boolean flock, boolean sleep,
      Interruption interruption) {
    LongFunction<Caller> c = Callers.of(ctx);
    if (!flock && lock.type() != FileLock.F_UNLCK) {
      // Before the request: a close racing with it must not skip the unlock.
      remember(ino, fh, owner);
    }
    boolean wait = sleep && lock.type() != FileLock.F_UNLCK;
    if (wait) {
      interruption.onInterrupt(() -> cancelInBackground(ctx, ino, owner, flock));
    }
    while (true) {
      if (wait && interruption.interrupted()) {
        throw StrataException.of(StatusCode.INTERRUPTED, "inode %d: lock wait interrupted by a signal", ino);
      }
      SetLkReply reply =
          meta.call(Methods.META_SETLK, sid -> request(c.apply(sid), ino, owner, lock, flock, wait), SetLkReply.parser());
      if (reply.getGranted()) {
        return;
      }
      // The server's wait bound passed with the lock still taken: ask again.
    }
  }

  /** FLUSH: drops the owner's POSIX locks, with an RPC only if it locked something here. */
  void unlockPosix(VfsContext ctx, long ino, long owner) {
    if (!forget(ino, owner)) {
      return;
    }
    unlockOwner(ctx, ino, owner, false);
  }

  /** RELEASE: the handle's flock lock and the locks of OFD owners that used this handle. */
  void releaseLocks(VfsContext ctx, long ino, long fh, boolean flockUnlock, long flockOwner) {
    if (flockUnlock) {
      unlockOwner(ctx, ino, flockOwner, true);
    }
    for (long owner : forgetHandle(ino, fh)) {
      unlockOwner(ctx, ino, owner, false);
    }
  }

  private void unlockOwner(VfsContext ctx, long ino, long owner, boolean flock) {
    LongFunction<Caller> c = Callers.of(ctx);
    meta.call(
        Methods.META_UNLOCK_OWNER,
        sid -> UnlockOwnerRequest.newBuilder().setCaller(c.apply(sid)).setIno(ino).setOwner(owner).setFlock(flock).build(),
        EmptyReply.parser());
  }

  /** Runs on the thread that read the INTERRUPT: the RPC goes to a virtual thread of its own. */
  private void cancelInBackground(VfsContext ctx, long ino, long owner, boolean flock) {
    LongFunction<Caller> c = Callers.of(ctx);
    Thread.ofVirtual()
        .name("lock-cancel-" + ino)
        .start(
            () -> {
              try {
                meta.call(
                    Methods.META_CANCEL_LOCK_WAIT,
                    sid -> CancelLockWaitRequest.newBuilder()
                        .setCaller(c.apply(sid)).setIno(ino).setOwner(owner).setFlock(flock).build(),
                    EmptyReply.parser());
              } catch (StrataException e) {
                // The wait still ends: the client checks the interruption before asking again.
                log.debug("inode {}: cancelling a lock wait failed: {}", ino, e.toString());
              }
            });
  }

  private static LockRequest request(Caller caller, long ino, long owner, FileLock lock, boolean flock, boolean wait) {
    return LockRequest.newBuilder()
        .setCaller(caller)
        .setIno(ino)
        .setOwner(owner)
        .setStart(lock.start())
        .setEnd(lock.end())
        .setType(lock.type())
        .setPid(lock.pid())
        .setWait(wait)
        .setFlock(flock)
        .build();
  }

  private void remember(long ino, long fh, long owner) {
    posixOwners.compute(
        ino,
        (k, byHandle) -> {
          Map<Long, Set<Long>> m = byHandle == null ? new HashMap<>() : byHandle;
          m.computeIfAbsent(fh, h -> new HashSet<>()).add(owner);
          return m;
        });
  }

  /** Forgets the owner on every handle of the inode; returns whether it was known. */
  private boolean forget(long ino, long owner) {
    boolean[] known = new boolean[1];
    posixOwners.computeIfPresent(
        ino,
        (k, byHandle) -> {
          byHandle.values().forEach(owners -> known[0] |= owners.remove(owner));
          byHandle.values().removeIf(Set::isEmpty);
          return byHandle.isEmpty() ? null : byHandle;
        });
    return known[0];
  }

  private List<Long> forgetHandle(long ino, long fh) {
    List<Long> out = new java.util.ArrayList<>();
    posixOwners.computeIfPresent(
        ino,
        (k, byHandle) -> {
          Set<Long> owners = byHandle.remove(fh);
          if (owners != null) {
            out.addAll(owners);
          }
          return byHandle.isEmpty() ? null : byHandle;
        });
    return out;
  }
}
