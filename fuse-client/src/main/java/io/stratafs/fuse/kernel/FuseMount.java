package io.stratafs.fuse.kernel;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.fuse.vfs.Vfs;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mounted StrataFS: mounts with mount(2) (no fusermount needed as root), answers the kernel's
 * INIT, then serves requests on {@code workers} threads, each with its own cloned /dev/fuse
 * descriptor. {@link #close()} unmounts, stops the workers and closes the Vfs; it is idempotent
 * and safe from a shutdown hook (a concurrent second call waits for the first). Thread-safe.
 */
public final class FuseMount implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FuseMount.class);

  static final String FS_TYPE = "fuse.strata";
  static final String FALLBACK_FS_TYPE = "fuse";
  /** After a clean umount the workers get ENODEV at once; this only bounds a kernel oddity. */
  private static final long WORKER_STOP_WAIT_MS = 10_000;
  /** After a lazy detach, how long remaining users get before the connection is aborted. */
  private static final long DETACHED_GRACE_MS = 2_000;
  private static final long ABORT_STOP_WAIT_MS = 3_000;

  private final Path mountPoint;
  private final Vfs vfs;
  private final FuseSession session;
  private final FuseDevice sessionDevice;
  private final List<FuseWorker> workers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final CountDownLatch workersEnded;
  /** The connection's device minor: names it in /proc/self/mountinfo and fusectl. */
  private final int connectionMinor;
  private boolean closed;

  private FuseMount(
      Path mountPoint, Vfs vfs, FuseDispatcher dispatcher, FuseDevice sessionDevice,
      List<FuseDevice> workerDevices, int connectionMinor) {
    this.mountPoint = mountPoint;
    this.vfs = vfs;
    this.session = dispatcher.session();
    this.sessionDevice = sessionDevice;
    this.connectionMinor = connectionMinor;
    this.workersEnded = new CountDownLatch(workerDevices.size());
    String label = mountPoint.getFileName() == null ? "root" : mountPoint.getFileName().toString();
    for (int i = 0; i < workerDevices.size(); i++) {
      FuseWorker w = new FuseWorker(workerDevices.get(i), dispatcher, workersEnded::countDown);
      Thread t = new Thread(w, "fuse-" + label + "-worker-" + i);
      // Daemon: a session the kernel never ends must not keep the JVM alive; the CLI waits in
      // awaitUnmounted().
      t.setDaemon(true);
      workers.add(w);
      threads.add(t);
    }
  }

  /**
   * Mounts {@code vfs} at {@code opts.mountPoint()} and returns once the kernel's INIT has been
   * answered. On failure nothing stays mounted and the Vfs is left open (the caller owns it).
   */
  public static FuseMount mount(Vfs vfs, FuseMountOptions opts) {
    Path mp = opts.mountPoint().toAbsolutePath().normalize();
    if (!Files.isDirectory(mp)) {
      throw new StrataException(
          StatusCode.NOT_FOUND, "mount point " + mp + " is not a directory: create it first");
    }
    FuseDevice device = FuseDevice.open();
    List<FuseDevice> clones = new ArrayList<>();
    boolean mounted = false;
    try {
      mountSyscall(device, mp, opts);
      mounted = true;
      FuseSession session =
          new FuseSession(vfs, opts.entryTimeout(), opts.attrTimeout(), GroupResolver.system());
      FuseDispatcher dispatcher = new FuseDispatcher(session);
      handshake(device, dispatcher);
      for (int i = 0; i < opts.workers(); i++) {
        clones.add(device.cloneDevice());
      }
      int minor =
          MountTable.find(MountTable.read(MountTable.SELF), mp).map(MountTable.Entry::minor)
              .orElse(-1);
      if (opts.readAheadKib() > 0 && minor >= 0) {
        KernelReadAhead.set(minor, opts.readAheadKib());
      }
      FuseMount m = new FuseMount(mp, vfs, dispatcher, device, clones, minor);
      m.threads.forEach(Thread::start);
      log.info("mounted {} at {} with {} workers", opts.fsName(), mp, opts.workers());
      return m;
    } catch (RuntimeException e) {
      clones.forEach(FuseDevice::close);
      if (mounted) {
        Syscalls.libc().umount2(mp.toString(), Syscalls.MNT_DETACH);
      }
      device.close();
      throw e;
    }
  }

  static String mountData(int fd, FuseMountOptions opts, int uid, int gid) {
    return "fd=" + fd + ",rootmode=40000,user_id=" + uid + ",group_id=" + gid
        + (opts.allowOther() ? ",allow_other" : "") + ",default_permissions,max_read="
        + FuseConstants.MAX_WRITE;
  }

  private static void mountSyscall(FuseDevice device, Path mp, FuseMountOptions opts) {
    LibC libc = Syscalls.libc();
    String data = mountData(device.fd(), opts, libc.getuid(), libc.getgid());
    // noatime says what the mount does: nothing sends read times to the server, so a relatime
    // mount would show kernel-local atimes that vanish when the attribute cache expires.
    long flags = Syscalls.MS_NOSUID | Syscalls.MS_NODEV | Syscalls.MS_NOATIME;
    int rc = libc.mount(opts.fsName(), mp.toString(), FS_TYPE, flags, data);
    int errno = rc < 0 ? Syscalls.errno() : 0;
    if (rc < 0 && (errno == Syscalls.ENODEV || errno == Syscalls.EINVAL)) {
      // A kernel without subtype support: plain "fuse" mounts the same filesystem.
      rc = libc.mount(opts.fsName(), mp.toString(), FALLBACK_FS_TYPE, flags, data);
      errno = rc < 0 ? Syscalls.errno() : 0;
    }
    if (rc < 0) {
      StatusCode code =
          switch (errno) {
            case Syscalls.EPERM -> StatusCode.PERMISSION_DENIED;
            case Syscalls.ENOENT -> StatusCode.NOT_FOUND;
            case 20 -> StatusCode.NOT_DIRECTORY;
            default -> StatusCode.IO_ERROR;
          };
      throw new StrataException(
          code,
          "mount(2) of " + mp + " failed: " + Syscalls.describe(errno)
              + "; mounting without fusermount needs root (CAP_SYS_ADMIN) and an existing"
              + " directory; a stale mount there is cleared with FuseMount.clearStale");
    }
  }

  /** Serves requests on the session descriptor until INIT has been answered. */
  private static void handshake(FuseDevice device, FuseDispatcher dispatcher) {
    ByteBuffer request = ByteBuffer.allocateDirect(FuseConstants.REQUEST_BUFFER_SIZE);
    FuseReply reply = FuseReply.allocate(FuseConstants.REPLY_BUFFER_SIZE);
    while (dispatcher.session().init() == null) {
      if (!FuseWorker.serveOne(device, request, dispatcher, reply)) {
        throw new StrataException(
            StatusCode.IO_ERROR, "the kernel closed the FUSE session before INIT completed");
      }
      if (reply.errno() != 0 && dispatcher.session().init() == null && reply.unique() != 0) {
        throw new StrataException(
            StatusCode.PROTOCOL_ERROR,
            "INIT failed with errno " + reply.errno() + "; see the log for the kernel's version");
      }
    }
  }

  public Path mountPoint() {
    return mountPoint;
  }

  /** Per-opcode call counts, errors and time. */
  public OpStats stats() {
    return session.stats;
  }

  /** Blocks until the kernel ends the session: an unmount by anyone, or {@link #close()}. */
  public void awaitUnmounted() throws InterruptedException {
    workersEnded.await();
  }

  /** Lookup references the kernel holds on {@code ino}, as counted by this mount. */
  long lookupCount(long ino) {
    return session.lookups.count(ino);
  }

  /**
   * Unmounts (umount2; MNT_DETACH when busy), waits for the workers (bounded; aborts the
   * connection through fusectl if they hang), closes the descriptors and the Vfs.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    boolean detached = unmountIfStillOurs();
    boolean stopped = awaitWorkers(detached ? DETACHED_GRACE_MS : WORKER_STOP_WAIT_MS);
    if (!stopped) {
      // A detached mount lives on while files are open in it; the session must end now, so
      // the connection is aborted and its remaining users get ENOTCONN.
      log.warn("FUSE session of {} still in use after unmount; aborting the connection",
          mountPoint);
      FuseControl.abort(connectionMinor);
      stopped = awaitWorkers(ABORT_STOP_WAIT_MS);
    }
    for (int i = 0; i < workers.size(); i++) {
      // A descriptor is closed only once its worker is gone: closing it under a blocked read
      // could let the number be reused and read by the wrong owner.
      if (!threads.get(i).isAlive()) {
        workers.get(i).device().close();
      }
    }
    if (stopped) {
      sessionDevice.close();
    } else {
      log.error("FUSE workers of {} did not stop; their descriptors are left open", mountPoint);
    }
    try {
      vfs.close();
    } catch (RuntimeException e) {
      log.error("closing the Vfs of {} failed", mountPoint, e);
    }
    log.info("unmounted {}", mountPoint);
  }

  /** Unmounts; returns true when the mount was busy and only detached. */
  private boolean unmountIfStillOurs() {
    Optional<MountTable.Entry> entry =
        MountTable.find(MountTable.read(MountTable.SELF), mountPoint);
    if (entry.isEmpty() || !entry.get().isFuse()
        || (connectionMinor >= 0 && entry.get().minor() != connectionMinor)) {
      return false; // unmounted already (by an admin or the kernel), or another mount on top
    }
    LibC libc = Syscalls.libc();
    if (libc.umount2(mountPoint.toString(), 0) == 0) {
      return false;
    }
    int errno = Syscalls.errno();
    if (errno == Syscalls.EBUSY) {
      log.warn("{} is busy; detaching it (MNT_DETACH): it goes away when the last user leaves",
          mountPoint);
      if (libc.umount2(mountPoint.toString(), Syscalls.MNT_DETACH) != 0) {
        log.error("detaching {} failed: {}", mountPoint, Syscalls.describe(Syscalls.errno()));
      }
      return true;
    }
    if (errno != Syscalls.EINVAL) {
      log.error("umount2({}) failed: {}", mountPoint, Syscalls.describe(errno));
    }
    return false;
  }

  private boolean awaitWorkers(long millis) {
    try {
      return workersEnded.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The StrataFS mount point holding {@code realPath} (symlinks already resolved): the deepest
   * mount containing it, if that is a StrataFS mount (type fuse.strata, or plain fuse where the
   * kernel lacks subtypes). Empty when the path is on another filesystem.
   */
  public static Optional<Path> strataMountContaining(Path realPath) {
    Path path = realPath.toAbsolutePath().normalize();
    MountTable.Entry deepest = null;
    for (MountTable.Entry e : MountTable.read(MountTable.SELF)) {
      Path mp = Path.of(e.mountPoint());
      if (path.startsWith(mp) && (deepest == null || mp.getNameCount() >= Path.of(deepest.mountPoint()).getNameCount())) {
        deepest = e;
      }
    }
    if (deepest == null || !(deepest.fsType().equals(FS_TYPE) || deepest.fsType().equals(FALLBACK_FS_TYPE))) {
      return Optional.empty();
    }
    return Optional.of(Path.of(deepest.mountPoint()));
  }

  /** Whether a FUSE filesystem is mounted at {@code mountPoint}. */
  public static boolean isMounted(Path mountPoint) {
    return MountTable.find(MountTable.read(MountTable.SELF), mountPoint)
        .filter(MountTable.Entry::isFuse)
        .isPresent();
  }

  /**
   * Detaches a FUSE mount whose server is gone (a killed client leaves the mount in place and
   * every access fails with ENOTCONN). Returns whether one was cleared; a live mount is left
   * alone.
   */
  public static boolean clearStale(Path mountPoint) {
    Path mp = mountPoint.toAbsolutePath().normalize();
    if (!isMounted(mp)) {
      return false;
    }
    LibC libc = Syscalls.libc();
    if (libc.access(mp.toString(), 0) == 0) {
      return false;
    }
    int errno = Syscalls.errno();
    if (errno != Syscalls.ENOTCONN) {
      return false;
    }
    if (libc.umount2(mp.toString(), Syscalls.MNT_DETACH) != 0) {
      throw new StrataException(
          StatusCode.IO_ERROR,
          "cannot detach the stale FUSE mount at " + mp + ": "
              + Syscalls.describe(Syscalls.errno()) + "; run 'umount -l " + mp + "' as root");
    }
    log.info("cleared a stale FUSE mount at {}", mp);
    return true;
  }
}
