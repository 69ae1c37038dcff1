package io.stratafs.meta.server;

import com.google.protobuf.Message;
import io.stratafs.meta.MetaService;
import io.stratafs.protocol.meta.*;
import io.stratafs.protocol.rpc.AsyncRpcHandler;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.rpc.RpcServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Binds every meta.* method to its {@link MetaService} method. Reads answer on the event loop and
 * namespace changes go from the event loop straight to the journal, which answers when its group
 * is durable: no thread hand-off on the way (ADR 019). Calls that wait on storage daemons, uploads
 * or lock queues run on virtual threads, and so does every call while this server is not known to
 * lead (its NOT_LEADER answer asks ZooKeeper who does). Stateless.
 */
public final class MetaRpcHandlers {
  private static final Executor VIRTUAL_THREADS = Executors.newVirtualThreadPerTaskExecutor();

  private MetaRpcHandlers() {}

  private static <Req extends Message> AsyncRpcHandler<Req> inline(MetaService s, Function<Req, ? extends Message> read) {
    return c -> s.leadingCheaply()
        ? CompletableFuture.completedFuture(RpcReply.of(read.apply(c.request())))
        : offload(() -> read.apply(c.request()));
  }

  /** Queued to the journal from the event loop; while not leading, from a virtual thread (its gate blocks). */
  private static <Req extends Message> AsyncRpcHandler<Req> journaled(
      MetaService s, Function<Req, ? extends CompletableFuture<? extends Message>> change) {
    Function<Req, CompletableFuture<RpcReply>> replied = req -> change.apply(req).thenApply(RpcReply::of);
    return c -> s.leadingCheaply()
        ? replied.apply(c.request())
        : CompletableFuture.supplyAsync(() -> replied.apply(c.request()), VIRTUAL_THREADS).thenCompose(f -> f);
  }

  private static CompletableFuture<RpcReply> offload(Supplier<? extends Message> call) {
    return CompletableFuture.supplyAsync(() -> RpcReply.of(call.get()), VIRTUAL_THREADS);
  }

  public static RpcServer.Builder register(RpcServer.Builder b, MetaService s) {
    return b.asyncHandler(Methods.META_LOOKUP, LookupRequest.parser(), inline(s, s::lookup))
        .asyncHandler(Methods.META_GETATTR, GetAttrRequest.parser(), inline(s, s::getattr))
        .asyncHandler(
            Methods.META_SETATTR,
            SetAttrRequest.parser(),
            c -> MetaService.changesSize(c.request())
                ? offload(() -> s.setattr(c.request())) // cuts replicas over storage RPCs first
                : journaled(s, s::setattrAsync).handle(c))
        .asyncHandler(Methods.META_CREATE, CreateRequest.parser(), journaled(s, s::createAsync))
        .asyncHandler(Methods.META_MKNOD, MknodRequest.parser(), journaled(s, s::mknodAsync))
        .asyncHandler(Methods.META_MKDIR, MkdirRequest.parser(), journaled(s, s::mkdirAsync))
        .asyncHandler(Methods.META_UNLINK, UnlinkRequest.parser(), journaled(s, s::unlinkAsync))
        .asyncHandler(Methods.META_RMDIR, RmdirRequest.parser(), journaled(s, s::rmdirAsync))
        .asyncHandler(Methods.META_SYMLINK, SymlinkRequest.parser(), journaled(s, s::symlinkAsync))
        .asyncHandler(Methods.META_READLINK, ReadlinkRequest.parser(), inline(s, s::readlink))
        .asyncHandler(Methods.META_LINK, LinkRequest.parser(), journaled(s, s::linkAsync))
        .asyncHandler(Methods.META_RENAME, RenameRequest.parser(), journaled(s, s::renameAsync))
        .asyncHandler(Methods.META_READDIR, ReadDirRequest.parser(), inline(s, s::readdir))
        .handler(Methods.META_STATFS, StatFsRequest.parser(), c -> RpcReply.of(s.statfs(c.request())))
        .asyncHandler(Methods.META_SETXATTR, SetXattrRequest.parser(), journaled(s, s::setxattrAsync))
        .asyncHandler(Methods.META_GETXATTR, GetXattrRequest.parser(), inline(s, s::getxattr))
        .asyncHandler(Methods.META_LISTXATTR, ListXattrRequest.parser(), inline(s, s::listxattr))
        .asyncHandler(Methods.META_REMOVEXATTR, RemoveXattrRequest.parser(), journaled(s, s::removexattrAsync))
        .asyncHandler(Methods.META_OPEN, OpenRequest.parser(), journaled(s, s::openAsync))
        .asyncHandler(Methods.META_RELEASE, ReleaseRequest.parser(), journaled(s, s::releaseAsync))
        .asyncHandler(Methods.META_ACCESS, AccessRequest.parser(), inline(s, s::access))
        .handler(Methods.META_SYNC, SyncRequest.parser(), c -> RpcReply.of(s.sync(c.request()))) // waits for a sync
        .handler(Methods.META_OPEN_SESSION, OpenSessionRequest.parser(), c -> RpcReply.of(s.openSession(c.request())))
        .asyncHandler(Methods.META_HEARTBEAT, HeartbeatRequest.parser(), inline(s, s::heartbeat))
        .handler(Methods.META_CLOSE_SESSION, CloseSessionRequest.parser(), c -> RpcReply.of(s.closeSession(c.request())))
        .asyncHandler(Methods.META_GET_FS_INFO, GetFsInfoRequest.parser(), inline(s, s::getFsInfo))
        .asyncHandler(Methods.META_GET_CHUNKS, GetChunksRequest.parser(), inline(s, s::getChunks))
        .handler(Methods.META_ALLOC_CHUNKS, AllocChunksRequest.parser(), c -> RpcReply.of(s.allocChunks(c.request())))
        .asyncHandler(
            Methods.META_COMMIT_WRITE,
            CommitWriteRequest.parser(),
            c -> c.request().getSyncExternal()
                ? offload(() -> s.commitWrite(c.request())) // uploads before answering
                : journaled(s, s::commitWriteAsync).handle(c))
        .handler(Methods.META_EXCLUDE_REPLICA, ExcludeReplicaRequest.parser(), c -> RpcReply.of(s.excludeReplica(c.request())))
        .handler(
            Methods.META_ENSURE_LOCAL_REPLICA,
            EnsureLocalReplicaRequest.parser(),
            c -> RpcReply.of(s.ensureLocalReplica(c.request())))
        .handler(Methods.META_SET_POLICY, SetPolicyRequest.parser(), c -> RpcReply.of(s.setPolicy(c.request())))
        .handler(Methods.META_GET_POLICY, GetPolicyRequest.parser(), c -> RpcReply.of(s.getPolicy(c.request())))
        .handler(Methods.META_LIST_POLICIES, ListPoliciesRequest.parser(), c -> RpcReply.of(s.listPolicies(c.request())))
        .handler(Methods.META_FSCK, FsckRequest.parser(), c -> RpcReply.of(s.fsck(c.request())))
        .handler(Methods.META_GETLK, LockRequest.parser(), c -> RpcReply.of(s.getlk(c.request())))
        .handler(Methods.META_SETLK, LockRequest.parser(), c -> RpcReply.of(s.setlk(c.request(), c.deadlineNanos())))
        .handler(Methods.META_UNLOCK_OWNER, UnlockOwnerRequest.parser(), c -> RpcReply.of(s.unlockOwner(c.request())))
        .handler(
            Methods.META_CANCEL_LOCK_WAIT,
            CancelLockWaitRequest.parser(),
            c -> RpcReply.of(s.cancelLockWait(c.request())));
  }
}
