package io.stratafs.meta.server;

import io.stratafs.meta.MetaService;
import io.stratafs.protocol.meta.*;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.rpc.RpcServer;

/** Binds every meta.* method to its {@link MetaService} method. Stateless. */
public final class MetaRpcHandlers {
  private MetaRpcHandlers() {}

  public static RpcServer.Builder register(RpcServer.Builder b, MetaService s) {
    return b.handler(Methods.META_LOOKUP, LookupRequest.parser(), c -> RpcReply.of(s.lookup(c.request())))
        .handler(Methods.META_GETATTR, GetAttrRequest.parser(), c -> RpcReply.of(s.getattr(c.request())))
        .handler(Methods.META_SETATTR, SetAttrRequest.parser(), c -> RpcReply.of(s.setattr(c.request())))
        .handler(Methods.META_CREATE, CreateRequest.parser(), c -> RpcReply.of(s.create(c.request())))
        .handler(Methods.META_MKNOD, MknodRequest.parser(), c -> RpcReply.of(s.mknod(c.request())))
        .handler(Methods.META_MKDIR, MkdirRequest.parser(), c -> RpcReply.of(s.mkdir(c.request())))
        .handler(Methods.META_UNLINK, UnlinkRequest.parser(), c -> RpcReply.of(s.unlink(c.request())))
        .handler(Methods.META_RMDIR, RmdirRequest.parser(), c -> RpcReply.of(s.rmdir(c.request())))
        .handler(Methods.META_SYMLINK, SymlinkRequest.parser(), c -> RpcReply.of(s.symlink(c.request())))
        .handler(Methods.META_READLINK, ReadlinkRequest.parser(), c -> RpcReply.of(s.readlink(c.request())))
        .handler(Methods.META_LINK, LinkRequest.parser(), c -> RpcReply.of(s.link(c.request())))
        .handler(Methods.META_RENAME, RenameRequest.parser(), c -> RpcReply.of(s.rename(c.request())))
        .handler(Methods.META_READDIR, ReadDirRequest.parser(), c -> RpcReply.of(s.readdir(c.request())))
        .handler(Methods.META_STATFS, StatFsRequest.parser(), c -> RpcReply.of(s.statfs(c.request())))
        .handler(Methods.META_SETXATTR, SetXattrRequest.parser(), c -> RpcReply.of(s.setxattr(c.request())))
        .handler(Methods.META_GETXATTR, GetXattrRequest.parser(), c -> RpcReply.of(s.getxattr(c.request())))
        .handler(Methods.META_LISTXATTR, ListXattrRequest.parser(), c -> RpcReply.of(s.listxattr(c.request())))
        .handler(Methods.META_REMOVEXATTR, RemoveXattrRequest.parser(), c -> RpcReply.of(s.removexattr(c.request())))
        .handler(Methods.META_OPEN, OpenRequest.parser(), c -> RpcReply.of(s.open(c.request())))
        .handler(Methods.META_RELEASE, ReleaseRequest.parser(), c -> RpcReply.of(s.release(c.request())))
        .handler(Methods.META_ACCESS, AccessRequest.parser(), c -> RpcReply.of(s.access(c.request())))
        .handler(Methods.META_OPEN_SESSION, OpenSessionRequest.parser(), c -> RpcReply.of(s.openSession(c.request())))
        .handler(Methods.META_HEARTBEAT, HeartbeatRequest.parser(), c -> RpcReply.of(s.heartbeat(c.request())))
        .handler(Methods.META_CLOSE_SESSION, CloseSessionRequest.parser(), c -> RpcReply.of(s.closeSession(c.request())))
        .handler(Methods.META_GET_FS_INFO, GetFsInfoRequest.parser(), c -> RpcReply.of(s.getFsInfo(c.request())))
        .handler(Methods.META_GET_CHUNKS, GetChunksRequest.parser(), c -> RpcReply.of(s.getChunks(c.request())))
        .handler(Methods.META_ALLOC_CHUNKS, AllocChunksRequest.parser(), c -> RpcReply.of(s.allocChunks(c.request())))
        .handler(Methods.META_COMMIT_WRITE, CommitWriteRequest.parser(), c -> RpcReply.of(s.commitWrite(c.request())))
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
