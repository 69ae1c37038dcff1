package io.stratafs.fuse.client;

import io.netty.buffer.ByteBufUtil;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.common.ZkPaths;
import io.stratafs.protocol.meta.AllocChunksRequest;
import io.stratafs.protocol.meta.Attr;
import io.stratafs.protocol.meta.AttrReply;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.ChunkReply;
import io.stratafs.protocol.meta.ChunksReply;
import io.stratafs.protocol.meta.CloseSessionRequest;
import io.stratafs.protocol.meta.CommitWriteRequest;
import io.stratafs.protocol.meta.EmptyReply;
import io.stratafs.protocol.meta.EnsureLocalReplicaRequest;
import io.stratafs.protocol.meta.ExcludeReplicaRequest;
import io.stratafs.protocol.meta.FsInfo;
import io.stratafs.protocol.meta.GetChunksRequest;
import io.stratafs.protocol.meta.HeartbeatRequest;
import io.stratafs.protocol.meta.OpenSessionReply;
import io.stratafs.protocol.meta.OpenSessionRequest;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.rpc.RpcHandler;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.rpc.RpcServer;
import io.stratafs.protocol.storage.MetaRegistration;
import io.stratafs.protocol.storage.ReadChunkRequest;
import io.stratafs.protocol.storage.ReadExternalRequest;
import io.stratafs.protocol.storage.StorageRegistration;
import io.stratafs.protocol.storage.SyncChunkRequest;
import io.stratafs.protocol.storage.WriteChunkRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;

/**
 * A real ZooKeeper, a real RpcServer answering the metadata RPCs the data path needs with
 * hand-written handlers over one in-memory chunk record (ExcludeReplica follows docs/adr/017:
 * removes the replica and bumps the version when the version matches, refuses the last copy), and
 * storage RpcServers whose WriteChunk/SyncChunk/ReadChunk/ReadExternal handlers each test writes.
 * Real servers and a real client stack: the logic of ChunkWrites/ChunkReads is tested without
 * waiting for the storage daemon and metadata server halves of issue 4.
 */
public final class HandWrittenCluster implements AutoCloseable {
  public static final String FS = "hand";
  public static final long INO = 42;

  final TestingServer zk;
  final CuratorFramework curator;
  final RpcServer meta;
  public final List<RpcServer> storage = new ArrayList<>();
  final RpcClient rpc = new RpcClient("hand-client");
  public final ExecutorService recovery = Executors.newVirtualThreadPerTaskExecutor();
  /** The one chunk the metadata side knows, as the "server" has it. */
  public volatile ChunkInfo chunk;
  public final List<ExcludeReplicaRequest> exclusions = new CopyOnWriteArrayList<>();
  public final List<CommitWriteRequest> commits = new CopyOnWriteArrayList<>();
  /** Runs in the CommitWrite handler after the request is recorded: may block, or throw to fail it. */
  public volatile Consumer<CommitWriteRequest> beforeCommitReply = r -> {};
  final List<EnsureLocalReplicaRequest> ensures = new CopyOnWriteArrayList<>();
  /** The file's size as CommitWrite leaves it. */
  public volatile long fileSize;
  /** Chunk the server answers EnsureLocalReplica with. */
  volatile ChunkInfo afterEnsure;
  public MetaClient metaClient;
  public ChunkLocations locations;

  public HandWrittenCluster() throws Exception {
    zk = new TestingServer(true);
    curator = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
    curator.start();
    meta =
        RpcServer.builder("hand-meta")
            .handler(Methods.META_OPEN_SESSION, OpenSessionRequest.parser(), call -> RpcReply.of(
                OpenSessionReply.newBuilder()
                    .setSessionId(7)
                    .setLeaseMs(30_000)
                    .setFs(FsInfo.newBuilder().setName(FS).setChunkSize(1 << 20).setRootIno(1).setBlockSize(4096))
                    .build()))
            .handler(Methods.META_HEARTBEAT, HeartbeatRequest.parser(), call -> RpcReply.of(EmptyReply.getDefaultInstance()))
            .handler(Methods.META_CLOSE_SESSION, CloseSessionRequest.parser(), call -> RpcReply.of(EmptyReply.getDefaultInstance()))
            .handler(Methods.META_GET_CHUNKS, GetChunksRequest.parser(), call -> RpcReply.of(ChunksReply.newBuilder().addChunks(chunk).build()))
            .handler(Methods.META_ALLOC_CHUNKS, AllocChunksRequest.parser(), call -> RpcReply.of(ChunksReply.newBuilder().addChunks(chunk).build()))
            .handler(Methods.META_COMMIT_WRITE, CommitWriteRequest.parser(), call -> {
              commits.add(call.request());
              beforeCommitReply.accept(call.request());
              long size = Math.max(call.request().getNewSize(), fileSize);
              fileSize = size;
              return RpcReply.of(AttrReply.newBuilder().setAttr(Attr.newBuilder().setIno(INO).setSize(size)).build());
            })
            .handler(Methods.META_EXCLUDE_REPLICA, ExcludeReplicaRequest.parser(), call -> RpcReply.of(exclude(call.request())))
            .handler(Methods.META_ENSURE_LOCAL_REPLICA, EnsureLocalReplicaRequest.parser(), call -> {
              ensures.add(call.request());
              chunk = afterEnsure;
              return RpcReply.of(ChunkReply.newBuilder().setChunk(chunk).build());
            })
            .build()
            .start();
    curator
        .create()
        .creatingParentsIfNeeded()
        .withMode(CreateMode.EPHEMERAL)
        .forPath(
            ZkPaths.metaLeader(FS),
            MetaRegistration.newBuilder().setServerId("m1").setAddress(address(meta)).setEpoch(1).build().toByteArray());
  }

  private synchronized ChunkReply exclude(ExcludeReplicaRequest req) {
    exclusions.add(req);
    ChunkInfo c = chunk;
    if (c.getVersion() == req.getVersion()) {
      List<Replica> left = new ArrayList<>();
      for (Replica r : c.getReplicasList()) {
        if (!r.getStorageId().equals(req.getStorageId())) {
          left.add(r);
        }
      }
      boolean externalCurrent =
          c.getExternalsList().stream().anyMatch(e -> e.getGeneration() > 0 && e.getUploadedSeq() == c.getDirtySeq());
      if (left.isEmpty() && !externalCurrent) {
        throw StrataException.of(StatusCode.UNAVAILABLE, "replica %s is the last copy of chunk %d", req.getStorageId(), c.getChunkId());
      }
      chunk = c.toBuilder().clearReplicas().addAllReplicas(left).setVersion(c.getVersion() + 1).build();
    }
    return ChunkReply.newBuilder().setChunk(chunk).build();
  }

  /** Handlers of one storage daemon; null entries are not served. */
  public record StorageHandlers(
      RpcHandler<WriteChunkRequest> write,
      RpcHandler<SyncChunkRequest> sync,
      RpcHandler<ReadChunkRequest> read,
      RpcHandler<ReadExternalRequest> readExternal) {}

  /** Starts a storage RpcServer; returns its address. */
  public String startStorage(String name, StorageHandlers h) {
    RpcServer.Builder b = RpcServer.builder(name);
    if (h.write() != null) {
      b.handler(Methods.STORAGE_WRITE, WriteChunkRequest.parser(), h.write());
    }
    if (h.sync() != null) {
      b.handler(Methods.STORAGE_SYNC, SyncChunkRequest.parser(), h.sync());
    }
    if (h.read() != null) {
      b.handler(Methods.STORAGE_READ, ReadChunkRequest.parser(), h.read());
    }
    if (h.readExternal() != null) {
      b.handler(Methods.STORAGE_READ_EXTERNAL, ReadExternalRequest.parser(), h.readExternal());
    }
    RpcServer s = b.build().start();
    storage.add(s);
    return address(s);
  }

  /** An address nothing listens on: a server started and closed again. */
  public String deadAddress() {
    RpcServer s = RpcServer.builder("dead").build().start();
    String a = address(s);
    s.close();
    return a;
  }

  /** Publishes a storage daemon's registration (the externals it reaches). */
  void register(StorageRegistration reg) throws Exception {
    curator
        .create()
        .creatingParentsIfNeeded()
        .withMode(CreateMode.EPHEMERAL)
        .forPath(ZkPaths.storage(FS, reg.getStorageId()), reg.toByteArray());
  }

  public static Replica replica(String id, String address) {
    return Replica.newBuilder().setStorageId(id).setAddress(address).setDevice("d0").setMedia("nvme").setNode(id).build();
  }

  /** Connects the client stack (after the chunk record is set). */
  public void connect() {
    metaClient =
        MetaClient.connect(
            rpc,
            new MetaClient.Settings(
                zk.getConnectString(), FS, "hand-test", "client-host", "", Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(30)));
    locations = new ChunkLocations(metaClient);
  }

  public StorageClient storageClient() {
    return new StorageClient(rpc, Duration.ofSeconds(3), 8);
  }

  static byte[] bytesOf(io.netty.buffer.ByteBuf b) {
    return ByteBufUtil.getBytes(b);
  }

  private static String address(RpcServer s) {
    return "127.0.0.1:" + s.port();
  }

  @Override
  public void close() throws Exception {
    if (metaClient != null) {
      metaClient.close();
    }
    recovery.shutdownNow();
    rpc.close();
    for (RpcServer s : storage) {
      s.close();
    }
    meta.close();
    curator.close();
    zk.close();
  }
}
