package io.stratafs.meta.storage;

import static io.stratafs.meta.MetaFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.LeaderGate;
import io.stratafs.meta.MetaService;
import io.stratafs.meta.journal.GroupCommitJournal;
import io.stratafs.meta.kv.KvStore;
import io.stratafs.meta.kv.rocks.RocksKvStore;
import io.stratafs.meta.ops.MetaContext;
import io.stratafs.protocol.meta.*;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.rpc.RpcResponse;
import io.stratafs.protocol.storage.ReadChunkReply;
import io.stratafs.protocol.storage.ReadChunkRequest;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import io.stratafs.storage.DeviceSpec;
import io.stratafs.storage.StorageConfig;
import io.stratafs.storage.StorageDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metadata side of replication against two real storage daemons for the RPCs they serve
 * today (WriteChunk, ReadChunk, TruncateChunk, DeleteChunk): hot placement over both, truncation
 * of every replica, exclusion deleting the excluded copy, and gc.
 */
class RealDaemonStorageRpcTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  @TempDir Path tmp;

  @Test
  void hotChunkIsTruncatedOnEveryReplicaAndExcludedCopiesAreDeleted() throws Exception {
    try (TestingServer zkServer = new TestingServer(true)) {
      run(zkServer);
    }
  }

  private void run(TestingServer zkServer) throws Exception {
    List<StorageDaemon> daemons = new ArrayList<>();
    try (CuratorFramework zk = CuratorFrameworkFactory.newClient(zkServer.getConnectString(), new RetryOneTime(100));
        RpcClient client = new RpcClient("test");
        KvStore store = RocksKvStore.open(tmp.resolve("db"));
        GroupCommitJournal journal = new GroupCommitJournal("test", store)) {
      zk.start();
      for (int i = 1; i <= 2; i++) {
        Path dev = Files.createDirectories(tmp.resolve("s" + i).resolve("d0"));
        daemons.add(StorageDaemon.start(new StorageConfig("s" + i, List.of(DeviceSpec.parse("nvme:" + dev, "d0")),
            zkServer.getConnectString(), "fs1", "127.0.0.1", 0, Map.of("node", "n" + i))));
      }
      try (ZkStorageView view = new ZkStorageView(zk, "fs1")) {
        await().atMost(TIMEOUT).until(() -> view.storages().size() == 2);
        RpcStorageRpc rpc = new RpcStorageRpc(client, view);
        MetaService svc = new MetaService(store, journal, new MetaService.Setup("fs1", 4096, view, rpc,
            MetaContext::systemWallNanos, System::nanoTime, LeaderGate.ALWAYS));
        long ino = svc.create(CreateRequest.newBuilder().setCaller(ROOT_CALLER).setParent(ROOT).setName(n("f"))
            .setMode(0644).build()).getAttr().getIno();
        svc.setPolicy(SetPolicyRequest.newBuilder().setCaller(ROOT_CALLER).setIno(ino).setPolicy("hot").build());
        ChunkInfo c = svc.allocChunks(AllocChunksRequest.newBuilder().setCaller(ROOT_CALLER).setIno(ino).addIndexes(0)
            .build()).getChunks(0);
        assertThat(c.getReplicasList()).extracting(Replica::getStorageId).containsExactlyInAnyOrder("s1", "s2");
        assertThat(c.getReplicasList()).extracting(Replica::getNode).containsExactlyInAnyOrder("n1", "n2");
        for (Replica r : c.getReplicasList()) {
          write(client, r, c, new byte[1000]);
        }
        svc.commitWrite(CommitWriteRequest.newBuilder().setCaller(ROOT_CALLER).setIno(ino).setNewSize(1000)
            .addWrittenChunks(0).build());

        svc.setattr(SetAttrRequest.newBuilder().setCaller(ROOT_CALLER).setIno(ino)
            .setValid(SetAttrField.SET_SIZE_VALUE).setSize(100).build());
        for (Replica r : c.getReplicasList()) {
          assertThat(chunkLength(client, r, c)).isEqualTo(100);
        }

        Replica second = c.getReplicas(1);
        ChunkInfo after = svc.excludeReplica(ExcludeReplicaRequest.newBuilder().setCaller(ROOT_CALLER).setIno(ino)
            .setIndex(0).setChunkId(c.getChunkId()).setVersion(1).setStorageId(second.getStorageId()).setDevice("d0")
            .build()).getChunk();
        assertThat(after.getReplicasList()).containsExactly(c.getReplicas(0));
        await().atMost(TIMEOUT).until(() -> isGone(client, second, c));

        svc.unlink(UnlinkRequest.newBuilder().setCaller(ROOT_CALLER).setParent(ROOT).setName(n("f")).build());
        assertThat(new ChunkGc(store, journal, rpc, view).runOnce()).isEqualTo(1);
        assertThat(isGone(client, c.getReplicas(0), c)).isTrue();
      }
    } finally {
      daemons.forEach(StorageDaemon::close);
    }
  }

  private static void write(RpcClient client, Replica r, ChunkInfo c, byte[] bytes) throws Exception {
    WriteChunkRequest req = WriteChunkRequest.newBuilder().setChunkId(c.getChunkId()).setVersion(c.getVersion())
        .setDevice(r.getDevice()).setSync(true).build();
    try (RpcResponse<WriteChunkReply> reply = client.call(RpcClient.parseAddress(r.getAddress()), Methods.STORAGE_WRITE,
        req, Unpooled.wrappedBuffer(bytes), WriteChunkReply.parser(), TIMEOUT).get(20, TimeUnit.SECONDS)) {
      assertThat(reply.body().getChunkLength()).isEqualTo(bytes.length);
    }
  }

  private static long chunkLength(RpcClient client, Replica r, ChunkInfo c) throws Exception {
    ReadChunkRequest req = ReadChunkRequest.newBuilder().setChunkId(c.getChunkId()).setDevice(r.getDevice())
        .setLength(1).build();
    try (RpcResponse<ReadChunkReply> reply = client.call(RpcClient.parseAddress(r.getAddress()), Methods.STORAGE_READ,
        req, Unpooled.EMPTY_BUFFER, ReadChunkReply.parser(), TIMEOUT).get(20, TimeUnit.SECONDS)) {
      return reply.body().getChunkLength();
    }
  }

  /** A daemon reads a chunk it does not hold as empty (or NOT_FOUND). */
  private static boolean isGone(RpcClient client, Replica r, ChunkInfo c) throws Exception {
    try {
      return chunkLength(client, r, c) == 0;
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause() instanceof StrataException se && se.code() == StatusCode.NOT_FOUND;
    }
  }
}
