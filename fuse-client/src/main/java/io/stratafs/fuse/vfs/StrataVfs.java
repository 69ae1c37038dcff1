package io.stratafs.fuse.vfs;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.fuse.client.ChunkLocations;
import io.stratafs.fuse.client.ChunkReads;
import io.stratafs.fuse.client.LocalReplicaReader;
import io.stratafs.fuse.client.ChunkWrites;
import io.stratafs.fuse.client.MetaClient;
import io.stratafs.fuse.client.ReplicaOrder;
import io.stratafs.fuse.client.StorageClient;
import io.stratafs.fuse.client.StorageDirectory;
import io.stratafs.protocol.meta.AccessRequest;
import io.stratafs.protocol.meta.Attr;
import io.stratafs.protocol.meta.AttrReply;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.CreateRequest;
import io.stratafs.protocol.meta.DirChangeReply;
import io.stratafs.protocol.meta.EmptyReply;
import io.stratafs.protocol.meta.GetAttrRequest;
import io.stratafs.protocol.meta.GetXattrReply;
import io.stratafs.protocol.meta.GetXattrRequest;
import io.stratafs.protocol.meta.LinkRequest;
import io.stratafs.protocol.meta.ListXattrReply;
import io.stratafs.protocol.meta.ListXattrRequest;
import io.stratafs.protocol.meta.LookupReply;
import io.stratafs.protocol.meta.LookupRequest;
import io.stratafs.protocol.meta.MkdirRequest;
import io.stratafs.protocol.meta.MknodRequest;
import io.stratafs.protocol.meta.OpenReply;
import io.stratafs.protocol.meta.OpenRequest;
import io.stratafs.protocol.meta.ReadDirReply;
import io.stratafs.protocol.meta.ReadDirRequest;
import io.stratafs.protocol.meta.ReadlinkReply;
import io.stratafs.protocol.meta.ReadlinkRequest;
import io.stratafs.protocol.meta.RemoveXattrRequest;
import io.stratafs.protocol.meta.RenameRequest;
import io.stratafs.protocol.meta.RmdirRequest;
import io.stratafs.protocol.meta.SetAttrField;
import io.stratafs.protocol.meta.SetAttrRequest;
import io.stratafs.protocol.meta.SetXattrRequest;
import io.stratafs.protocol.meta.StatFsReply;
import io.stratafs.protocol.meta.StatFsRequest;
import io.stratafs.protocol.meta.SymlinkRequest;
import io.stratafs.protocol.meta.SyncRequest;
import io.stratafs.protocol.meta.UnlinkRequest;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Vfs} of a StrataFS mount: namespace operations go to the metadata leader through
 * {@link MetaClient}; file data is buffered per inode ({@link FileWriter}), flushed to the storage
 * daemons, and read back through {@link FileReader} with per-handle {@link ReadAhead}; readdir
 * positions are kept by {@link DirCursor}. Consistency is close-to-open: an open drops cached chunk
 * locations, a flush/close makes written data visible to other clients.
 *
 * <p>Buffer positions do not move: {@link #read} fills {@code dst} from its position and returns
 * the count; {@link #write} copies {@code src}'s remaining bytes (the kernel adapter advances).
 *
 * <p>Known limitations: O_APPEND writes use the offset the kernel computed from its cached size,
 * which is right for one client but not for several appending to one file at once; a retried
 * non-idempotent call may report EEXIST/ENOENT caused by its own first attempt (see MetaClient).
 *
 * <p>Thread-safe: every method may be called concurrently from FUSE worker threads.
 */
public final class StrataVfs implements Vfs {
  private static final Logger log = LoggerFactory.getLogger(StrataVfs.class);
  private static final Duration SESSION_LEASE = Duration.ofSeconds(30);

  private final RpcClient rpc;
  private final MetaClient meta;
  private final ExecutorService background;
  private final ExecutorService recovery;
  private final IoServices io;
  private final FileReader reader;
  private final WriteBudget writeBudget;
  private final OpenFiles openFiles;
  private final DirAttrCache dirAttrs;
  private final UnsyncedNames unsyncedNames = new UnsyncedNames();
  private final StatAhead statAhead;
  private final ReleaseBatcher releases;
  /** Short-circuit reads of replicas on this machine; null when off. */
  private final LocalReplicaReader localReplicas;
  private final DirHandles dirHandles;
  private final LockClient locks;
  private final Fallocate fallocate;
  private final WholeFileSync wholeFileSync;
  private final AtomicBoolean closed = new AtomicBoolean();

  private StrataVfs(RpcClient rpc, MetaClient meta, ExecutorService background, StrataVfsConfig cfg) {
    this.rpc = rpc;
    this.meta = meta;
    this.releases = new ReleaseBatcher(meta);
    this.background = background;
    // Write and read recovery make blocking metadata calls; they start from RPC callbacks, so
    // they run on virtual threads of their own rather than on an event loop or the I/O pool.
    this.recovery = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("strata-recovery-", 0).factory());
    StorageDirectory daemons = meta.storageDirectory();
    StorageClient storage =
        new StorageClient(
            rpc, cfg.rpcTimeout(), cfg.ioThreads(), daemons == null ? address -> List.of() : daemons::directEndpoints);
    ChunkLocations chunks = new ChunkLocations(meta);
    String host = StrataVfsConfig.hostName();
    this.localReplicas =
        cfg.shortCircuitReads() && meta.storageDirectory() != null
            ? new LocalReplicaReader(meta.storageDirectory()::devicePath)
            : null;
    this.io =
        new IoServices(
            meta,
            storage,
            new ChunkWrites(storage, chunks, host, recovery),
            new ChunkReads(
                storage,
                chunks,
                new ReplicaOrder(host),
                meta.storageDirectory(),
                recovery,
                localReplicas),
            chunks,
            meta.fsInfo().getChunkSize(),
            host,
            background);
    this.reader = new FileReader(io);
    AtomicLong handles = new AtomicLong();
    // A write waits for room at most as long as metadata calls ride out an outage.
    this.writeBudget = new WriteBudget(cfg.writeBudgetBytes(), cfg.retryFor());
    this.dirAttrs = new DirAttrCache(cfg.dirAttrTtl(), System::nanoTime);
    this.statAhead = new StatAhead(cfg.statAheadEntries(), cfg.statAheadTtl(), System::nanoTime, meta::changes);
    this.openFiles = new OpenFiles(io, cfg.writeBufferBytes(), cfg.mtimeGranularity(), writeBudget, handles);
    this.dirHandles = new DirHandles(handles);
    this.locks = new LockClient(meta);
    this.fallocate = new Fallocate(this, io);
    this.wholeFileSync = new WholeFileSync(io);
  }

  /**
   * Connects to the filesystem: ZooKeeper, the metadata leader (waiting up to {@code retryFor}
   * for one), a new session. Close the returned Vfs to flush and end the session.
   */
  public static StrataVfs connect(StrataVfsConfig cfg) {
    RpcClient rpc = new RpcClient("fuse-client-" + cfg.fsName());
    ExecutorService background = null;
    try {
      MetaClient meta =
          MetaClient.connect(
              rpc,
              new MetaClient.Settings(
                  cfg.zkConnect(),
                  cfg.fsName(),
                  cfg.clientName(),
                  StrataVfsConfig.hostName(),
                  "",
                  cfg.rpcTimeout(),
                  cfg.retryFor(),
                  SESSION_LEASE));
      AtomicInteger threadNo = new AtomicInteger();
      background =
          Executors.newFixedThreadPool(
              cfg.ioThreads(),
              r -> {
                Thread t = new Thread(r, "strata-io-" + threadNo.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      return new StrataVfs(rpc, meta, background, cfg);
    } catch (RuntimeException e) {
      if (background != null) {
        background.shutdownNow();
      }
      rpc.close();
      throw e;
    }
  }

  /** The mount-wide budget of buffered write bytes (tests watch its accounting). */
  WriteBudget writeBudget() {
    return writeBudget;
  }

  /** The metadata session of this mount. */
  public long sessionId() {
    return meta.sessionId();
  }

  // ---- namespace -------------------------------------------------------------------------

  @Override
  public Attr lookup(VfsContext ctx, long parent, byte[] name) {
    return lookupEntry(ctx, parent, name).attr();
  }

  @Override
  public Entry lookupEntry(VfsContext ctx, long parent, byte[] name) {
    StatAhead.Hit hit = statAhead.answer(ctx, parent, name);
    if (hit != null) {
      return new Entry(withLocalSize(hit.attr()), hit.ageNanos());
    }
    int ahead = statAhead.aheadFor(parent, name);
    long changesBefore = ahead > 0 ? meta.changes() : 0;
    long sentAt = ahead > 0 ? System.nanoTime() : 0;
    LongFunction<Caller> c = Callers.of(ctx);
    LookupReply r =
        meta.call(
            Methods.META_LOOKUP,
            sid -> LookupRequest.newBuilder()
                .setCaller(c.apply(sid))
                .setParent(parent)
                .setName(bytes(name))
                .setStatAhead(ahead)
                .build(),
            LookupReply.parser());
    if (!r.hasAttr()) {
      throw missingAttr(Methods.META_LOOKUP);
    }
    if (ahead > 0) {
      statAhead.fetched(ctx, parent, changesBefore, sentAt, r);
    }
    return new Entry(withLocalSize(r.getAttr()), 0);
  }

  @Override
  public void forget(long ino, long nlookup) {
    // The server keeps no lookup counts; open files are tracked through Open/Release.
  }

  /** The parent's attributes the server returned with a change in it answer the kernel's next GETATTR. */
  private void noteParent(long parent, AttrReply r) {
    if (r.hasParent()) {
      dirAttrs.changed(parent, r.getParent());
    }
  }

  @Override
  public Attr getattr(VfsContext ctx, long ino, long fh) {
    Attr known = dirAttrs.take(ino);
    if (known != null) {
      return known;
    }
    LongFunction<Caller> c = Callers.of(ctx);
    AttrReply r =
        meta.call(
            Methods.META_GETATTR,
            sid -> GetAttrRequest.newBuilder().setCaller(c.apply(sid)).setIno(ino).build(),
            AttrReply.parser());
    return withLocalSize(attr(r, Methods.META_GETATTR));
  }

  @Override
  public Attr setattr(VfsContext ctx, long ino, SetAttrChange change, long fh) {
    dirAttrs.forget(ino);
    LongFunction<Caller> c = Callers.of(ctx);
    boolean setsSize = change.has(SetAttrField.SET_SIZE_VALUE);
    OpenFile file = openFiles.inode(ino);
    if (setsSize && file != null) {
      // Bytes past the new size would be cut anyway; the rest must reach storage before the
      // server truncates, or a later flush would resurrect them past the new end.
      file.writer.truncate(change.size());
      file.writer.flush(c, false);
    }
    AttrReply r =
        meta.call(
            Methods.META_SETATTR,
            sid ->
                SetAttrRequest.newBuilder()
                    .setCaller(c.apply(sid))
                    .setIno(ino)
                    .setValid(change.valid())
                    .setMode(change.mode())
                    .setUid(change.uid())
                    .setGid(change.gid())
                    .setSize(change.size())
                    .setAtimeNs(change.atimeNs())
                    .setMtimeNs(change.mtimeNs())
                    .setCtimeNs(change.ctimeNs())
                    .setViaHandle(fh != -1)
                    .build(),
            AttrReply.parser());
    Attr attr = attr(r, Methods.META_SETATTR);
    if (setsSize) {
      io.chunks().invalidate(ino);
      if (file != null) {
        file.truncated(attr.getSize());
        file.dataChanged();
      }
    }
    return withLocalSize(attr);
  }

  @Override
  public Attr mknod(VfsContext ctx, long parent, byte[] name, int mode, int umask, long rdev) {
    LongFunction<Caller> c = Callers.of(ctx);
    AttrReply r =
        changeName(
            Methods.META_MKNOD,
            sid ->
                MknodRequest.newBuilder()
                    .setCaller(c.apply(sid))
                    .setParent(parent)
                    .setName(bytes(name))
                    .setMode(mode)
                    .setUmask(umask)
                    .setRdev(rdev)
                    .build(),
            AttrReply.parser());
    noteParent(parent, r);
    return attr(r, Methods.META_MKNOD);
  }

  @Override
  public Attr mkdir(VfsContext ctx, long parent, byte[] name, int mode, int umask) {
    LongFunction<Caller> c = Callers.of(ctx);
    AttrReply r =
        changeName(
            Methods.META_MKDIR,
            sid ->
                MkdirRequest.newBuilder()
                    .setCaller(c.apply(sid))
                    .setParent(parent)
                    .setName(bytes(name))
                    .setMode(mode)
                    .setUmask(umask)
                    .build(),
            AttrReply.parser());
    noteParent(parent, r);
    return attr(r, Methods.META_MKDIR);
  }

  @Override
  public void unlink(VfsContext ctx, long parent, byte[] name) {
    LongFunction<Caller> c = Callers.of(ctx);
    DirChangeReply r =
        changeName(
            Methods.META_UNLINK,
            sid -> UnlinkRequest.newBuilder().setCaller(c.apply(sid)).setParent(parent).setName(bytes(name)).build(),
            DirChangeReply.parser());
    if (r.hasParent()) {
      dirAttrs.changed(parent, r.getParent());
    }
  }

  @Override
  public void rmdir(VfsContext ctx, long parent, byte[] name) {
    LongFunction<Caller> c = Callers.of(ctx);
    DirChangeReply r =
        changeName(
            Methods.META_RMDIR,
            sid -> RmdirRequest.newBuilder().setCaller(c.apply(sid)).setParent(parent).setName(bytes(name)).build(),
            DirChangeReply.parser());
    if (r.hasParent()) {
      dirAttrs.changed(parent, r.getParent());
    }
  }

  @Override
  public Attr symlink(VfsContext ctx, long parent, byte[] name, byte[] target) {
    LongFunction<Caller> c = Callers.of(ctx);
    AttrReply r =
        changeName(
            Methods.META_SYMLINK,
            sid ->
                SymlinkRequest.newBuilder()
                    .setCaller(c.apply(sid))
                    .setParent(parent)
                    .setName(bytes(name))
                    .setTarget(bytes(target))
                    .build(),
            AttrReply.parser());
    noteParent(parent, r);
    return attr(r, Methods.META_SYMLINK);
  }

  @Override
  public byte[] readlink(VfsContext ctx, long ino) {
    LongFunction<Caller> c = Callers.of(ctx);
    ReadlinkReply r =
        meta.call(
            Methods.META_READLINK,
            sid -> ReadlinkRequest.newBuilder().setCaller(c.apply(sid)).setIno(ino).build(),
            ReadlinkReply.parser());
    return r.getTarget().toByteArray();
  }

  @Override
  public Attr link(VfsContext ctx, long ino, long newParent, byte[] newName) {
    LongFunction<Caller> c = Callers.of(ctx);
    AttrReply r =
        changeName(
            Methods.META_LINK,
            sid ->
                LinkRequest.newBuilder()
                    .setCaller(c.apply(sid))
                    .setIno(ino)
                    .setNewParent(newParent)
                    .setNewName(bytes(newName))
                    .build(),
            AttrReply.parser());
    noteParent(newParent, r);
    return withLocalSize(attr(r, Methods.META_LINK));
  }

  @Override
  public void rename(VfsContext ctx, long parent, byte[] name, long newParent, byte[] newName, int flags) {
    LongFunction<Caller> c = Callers.of(ctx);
    changeName(
        Methods.META_RENAME,
        sid ->
            RenameRequest.newBuilder()
                .setCaller(c.apply(sid))
                .setParent(parent)
                .setName(bytes(name))
                .setNewParent(newParent)
                .setNewName(bytes(newName))
                .setFlags(flags)
                .build(),
        EmptyReply.parser());
    dirAttrs.forgetAll(); // both directories changed, and a moved directory's ctime too
  }

  // ---- files -----------------------------------------------------------------------------

  @Override
  public long open(VfsContext ctx, long ino, int flags) {
    LongFunction<Caller> c = Callers.of(ctx);
    OpenReply r =
        meta.call(
            Methods.META_OPEN,
            sid -> OpenRequest.newBuilder().setCaller(c.apply(sid)).setIno(ino).setFlags(flags).build(),
            OpenReply.parser());
    if (!r.hasAttr()) {
      throw missingAttr(Methods.META_OPEN);
    }
    // Close-to-open: another client may have written since we last looked at this file.
    io.chunks().invalidate(ino);
    return openFiles.open(r.getAttr(), flags).fh();
  }

  @Override
  public Created create(VfsContext ctx, long parent, byte[] name, int mode, int umask, int flags) {
    LongFunction<Caller> c = Callers.of(ctx);
    AttrReply r =
        changeName(
            Methods.META_CREATE,
            sid ->
                CreateRequest.newBuilder()
                    .setCaller(c.apply(sid))
                    .setParent(parent)
                    .setName(bytes(name))
                    .setMode(mode)
                    .setUmask(umask)
                    .setFlags(flags)
                    .build(),
            AttrReply.parser());
    Attr attr = attr(r, Methods.META_CREATE);
    noteParent(parent, r);
    io.chunks().invalidate(attr.getIno());
    return new Created(attr, openFiles.open(attr, flags).fh());
  }

  @Override
  public int read(VfsContext ctx, long ino, long fh, long offset, ByteBuffer dst) {
    FileHandle h = openFiles.get(ino, fh);
    // No read-ahead here: the kernel's (--read-ahead, asynchronous READs spread over the workers)
    // keeps several reads in flight, each landing in its reply buffer without a copy (ADR 020).
    return reader.read(Callers.of(ctx), h.file(), offset, dst);
  }

  @Override
  public int write(VfsContext ctx, long ino, long fh, long offset, ByteBuffer src, int flags) {
    FileHandle h = openFiles.get(ino, fh);
    int n = src.remaining();
    h.file().writer.write(Callers.of(ctx), offset, src);
    // After buffering, so a read-ahead that started before this write is seen as stale.
    h.file().dataChanged();
    return n;
  }

  @Override
  public void flush(VfsContext ctx, long ino, long fh, long lockOwner) {
    openFiles.get(ino, fh).file().writer.flush(Callers.of(ctx), false);
  }

  @Override
  public void release(VfsContext ctx, long ino, long fh, int flags) {
    FileHandle h = openFiles.get(ino, fh);
    LongFunction<Caller> c = Callers.of(ctx);
    StrataException failure = null;
    try {
      h.file().writer.flush(c, false);
    } catch (StrataException e) {
      failure = e;
    }
    if (openFiles.close(h) && failure != null) {
      long dropped = h.file().writer.discard();
      log.error(
          "inode {}: last handle closed with {} bytes that could not be written ({}); they are lost,"
              + " and close(2) reported the error",
          ino,
          dropped,
          failure.toString());
    }
    releases.add(ino);
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void fsync(VfsContext ctx, long ino, long fh, boolean datasync) {
    // CommitWrite makes the size durable with the data; fdatasync skips it when only mtime changes.
    OpenFile file = openFiles.get(ino, fh).file();
    LongFunction<Caller> c = Callers.of(ctx);
    file.writer.flush(c, true, datasync);
    if (!file.wholeFileSynced()) {
      wholeFileSync.run(c, file);
      file.markWholeFileSynced();
    }
    // The file's own create or rename from this mount, answered before its sync (ADR 032).
    unsyncedNames.sync(() -> syncNames(c), false);
  }

  /** A name change: the server answers it before its sync, which fsync and fsyncdir wait for (ADR 032). */
  private <R extends Message> R changeName(String method, LongFunction<? extends Message> request, Parser<R> parser) {
    try {
      return meta.call(method, request, parser);
    } finally {
      // Also after an error: a call that timed out may still have been applied.
      unsyncedNames.answered();
    }
  }

  private void syncNames(LongFunction<Caller> c) {
    meta.call(Methods.META_SYNC, sid -> SyncRequest.newBuilder().setCaller(c.apply(sid)).build(), EmptyReply.parser());
  }

  // ---- directories -----------------------------------------------------------------------

  @Override
  public long opendir(VfsContext ctx, long ino, int flags) {
    return dirHandles.open(ino);
  }

  @Override
  public void readdir(VfsContext ctx, long ino, long fh, long offset, boolean plus, DirFiller filler) {
    DirCursor cursor = dirHandles.get(ino, fh);
    LongFunction<Caller> c = Callers.of(ctx);
    cursor.readdir(
        offset,
        plus,
        new DirCursor.Source() {
          private Attr dirAttr;

          @Override
          public ReadDirReply list(byte[] afterName, int max, boolean withAttrs) {
            return meta.call(
                Methods.META_READDIR,
                sid ->
                    ReadDirRequest.newBuilder()
                        .setCaller(c.apply(sid))
                        .setIno(ino)
                        .setAfterName(bytes(afterName))
                        .setMaxEntries(max)
                        .setPlus(withAttrs)
                        .build(),
                ReadDirReply.parser());
          }

          @Override
          public Attr dirAttr() {
            if (dirAttr == null) {
              dirAttr = getattr(ctx, ino, -1);
            }
            return dirAttr;
          }
        },
        filler);
  }

  @Override
  public void releasedir(VfsContext ctx, long ino, long fh) {
    dirHandles.close(fh);
  }

  @Override
  public void fsyncdir(VfsContext ctx, long ino, long fh, boolean datasync) {
    // Always: the directory may hold other mounts' name changes, also answered before their sync.
    LongFunction<Caller> c = Callers.of(ctx);
    unsyncedNames.sync(() -> syncNames(c), true);
  }

  // ---- filesystem, xattrs, access --------------------------------------------------------

  @Override
  public StatFsReply statfs(VfsContext ctx, long ino) {
    LongFunction<Caller> c = Callers.of(ctx);
    return meta.call(
        Methods.META_STATFS, sid -> StatFsRequest.newBuilder().setCaller(c.apply(sid)).build(), StatFsReply.parser());
  }

  @Override
  public void setxattr(VfsContext ctx, long ino, byte[] name, byte[] value, int flags) {
    dirAttrs.forget(ino);
    LongFunction<Caller> c = Callers.of(ctx);
    meta.call(
        Methods.META_SETXATTR,
        sid ->
            SetXattrRequest.newBuilder()
                .setCaller(c.apply(sid))
                .setIno(ino)
                .setName(bytes(name))
                .setValue(bytes(value))
                .setFlags(flags)
                .build(),
        EmptyReply.parser());
  }

  @Override
  public byte[] getxattr(VfsContext ctx, long ino, byte[] name) {
    LongFunction<Caller> c = Callers.of(ctx);
    GetXattrReply r =
        meta.call(
            Methods.META_GETXATTR,
            sid -> GetXattrRequest.newBuilder().setCaller(c.apply(sid)).setIno(ino).setName(bytes(name)).build(),
            GetXattrReply.parser());
    return r.getValue().toByteArray();
  }

  @Override
  public List<byte[]> listxattr(VfsContext ctx, long ino) {
    LongFunction<Caller> c = Callers.of(ctx);
    ListXattrReply r =
        meta.call(
            Methods.META_LISTXATTR,
            sid -> ListXattrRequest.newBuilder().setCaller(c.apply(sid)).setIno(ino).build(),
            ListXattrReply.parser());
    List<byte[]> names = new ArrayList<>(r.getNamesCount());
    for (ByteString n : r.getNamesList()) {
      names.add(n.toByteArray());
    }
    return names;
  }

  @Override
  public void removexattr(VfsContext ctx, long ino, byte[] name) {
    dirAttrs.forget(ino);
    LongFunction<Caller> c = Callers.of(ctx);
    meta.call(
        Methods.META_REMOVEXATTR,
        sid -> RemoveXattrRequest.newBuilder().setCaller(c.apply(sid)).setIno(ino).setName(bytes(name)).build(),
        EmptyReply.parser());
  }

  @Override
  public void access(VfsContext ctx, long ino, int mask) {
    LongFunction<Caller> c = Callers.of(ctx);
    meta.call(
        Methods.META_ACCESS,
        sid -> AccessRequest.newBuilder().setCaller(c.apply(sid)).setIno(ino).setMask(mask).build(),
        EmptyReply.parser());
  }

  /** Flushes every open file (best effort), closes the session, ZooKeeper and the RPC client. */
  @Override
  public FileLock getlk(VfsContext ctx, long ino, long fh, long owner, FileLock lock) {
    return locks.getlk(ctx, ino, owner, lock, false);
  }

  @Override
  public void setlk(
      VfsContext ctx, long ino, long fh, long owner, FileLock lock, boolean flock, boolean sleep,
      Interruption interruption) {
    locks.setlk(ctx, ino, fh, owner, lock, flock, sleep, interruption);
  }

  @Override
  public void unlockPosix(VfsContext ctx, long ino, long owner) {
    locks.unlockPosix(ctx, ino, owner);
  }

  @Override
  public void releaseLocks(VfsContext ctx, long ino, long fh, boolean flockUnlock, long flockOwner) {
    locks.releaseLocks(ctx, ino, fh, flockUnlock, flockOwner);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LongFunction<Caller> root = Callers.of(VfsContext.ROOT);
    for (OpenFile file : openFiles.all()) {
      try {
        file.writer.flush(root, false);
      } catch (StrataException e) {
        log.error("unmount: could not flush inode {} ({}); its buffered writes are lost", file.ino, e.toString());
      }
    }
    background.shutdownNow();
    recovery.shutdownNow();
    releases.close();
    if (localReplicas != null) {
      localReplicas.close();
    }
    io.storage().close();
    meta.close();
    rpc.close();
  }

  @Override
  public void fallocate(VfsContext ctx, long ino, long fh, int mode, long offset, long length) {
    fallocate.run(ctx, openFiles.get(ino, fh).file(), fh, mode, offset, length);
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** Attributes with the size this client sees when it has buffered writes for the inode. */
  private Attr withLocalSize(Attr attr) {
    OpenFile file = openFiles.inode(attr.getIno());
    if (file == null) {
      return attr;
    }
    file.observe(attr);
    return file.overlay(attr);
  }

  private static Attr attr(AttrReply r, String method) {
    if (!r.hasAttr()) {
      throw missingAttr(method);
    }
    return r.getAttr();
  }

  private static StrataException missingAttr(String method) {
    return StrataException.of(StatusCode.PROTOCOL_ERROR, "%s reply carries no attributes", method);
  }

  private static ByteString bytes(byte[] b) {
    return ByteString.copyFrom(b);
  }
}
