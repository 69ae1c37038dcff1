package io.stratafs.meta.server;

import static io.stratafs.meta.MetaFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stratafs.common.StatusCode;
import io.stratafs.common.ZkPaths;
import io.stratafs.meta.MetaServerConfig;
import io.stratafs.meta.MetadataServer;
import io.stratafs.protocol.meta.*;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.storage.MetaRegistration;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real MetadataServer over real sockets and a real ZooKeeper. */
class MetadataServerRpcTest {
  @TempDir Path dir;

  @Test
  void servesMetaCallsAsLeader() throws Exception {
    try (TestingServer zkServer = new TestingServer(true)) {
      MetaServerConfig cfg = new MetaServerConfig("m1", dir, zkServer.getConnectString(), "fs1", "127.0.0.1", 0,
          MetaServerConfig.DEFAULT_CHUNK_SIZE,
          io.stratafs.meta.replication.ReplicationConfig.DEFAULTS.withPolicies(java.util.List.of("fast3=3xssd:sync")));
      long fileIno;
      try (MetadataServer server = MetadataServer.start(cfg);
          RpcClient client = new RpcClient("test");
          CuratorFramework zk = CuratorFrameworkFactory.newClient(zkServer.getConnectString(), new RetryOneTime(100))) {
        zk.start();
        await().atMost(Duration.ofSeconds(20)).until(server::isLeader);
        InetSocketAddress addr = new InetSocketAddress("127.0.0.1", server.address().getPort());
        MetaRegistration reg = MetaRegistration.parseFrom(zk.getData().forPath(ZkPaths.metaLeader("fs1")));
        assertThat(reg.getAddress()).isEqualTo("127.0.0.1:" + server.address().getPort());
        OpenSessionReply session = client.callSync(addr, Methods.META_OPEN_SESSION,
            OpenSessionRequest.newBuilder().setClientName("t").build(), OpenSessionReply.parser());
        assertThat(session.getEpoch()).isEqualTo(reg.getEpoch());
        assertThat(session.getFs().getRootIno()).isEqualTo(1);
        Caller c = ROOT_CALLER.toBuilder().setSessionId(session.getSessionId()).build();
        Attr d = client.callSync(addr, Methods.META_MKDIR,
            MkdirRequest.newBuilder().setCaller(c).setParent(1).setName(n("d")).setMode(0755).build(),
            AttrReply.parser()).getAttr();
        fileIno = client.callSync(addr, Methods.META_CREATE,
            CreateRequest.newBuilder().setCaller(c).setParent(d.getIno()).setName(n("f")).setMode(0644).build(),
            AttrReply.parser()).getAttr().getIno();
        expectCode(StatusCode.NOT_FOUND, () -> client.callSync(addr, Methods.META_LOOKUP,
            LookupRequest.newBuilder().setCaller(c).setParent(1).setName(n("missing")).build(), AttrReply.parser()));
        expectCode(StatusCode.NO_SPACE, () -> client.callSync(addr, Methods.META_ALLOC_CHUNKS,
            AllocChunksRequest.newBuilder().setCaller(c).setIno(fileIno).addIndexes(0).build(), ChunksReply.parser()));
        // The replication methods are served too.
        assertThat(client.callSync(addr, Methods.META_SET_POLICY,
            SetPolicyRequest.newBuilder().setCaller(c).setIno(d.getIno()).setPolicy("fast3").build(),
            PolicyReply.parser()).getDefinition()).isEqualTo("fast3=3xssd:sync");
        expectCode(StatusCode.INVALID_ARGUMENT, () -> client.callSync(addr, Methods.META_SET_POLICY,
            SetPolicyRequest.newBuilder().setCaller(c).setIno(d.getIno()).setPolicy("nope").build(), PolicyReply.parser()));
        assertThat(client.callSync(addr, Methods.META_GET_POLICY,
            GetPolicyRequest.newBuilder().setCaller(c).setIno(fileIno).build(), PolicyReply.parser()).getPolicy())
            .isEqualTo("hybrid");
        assertThat(client.callSync(addr, Methods.META_LIST_POLICIES, ListPoliciesRequest.getDefaultInstance(),
            ListPoliciesReply.parser()).getPoliciesCount()).isEqualTo(7);
        assertThat(client.callSync(addr, Methods.META_FSCK, FsckRequest.newBuilder().setRepair(true).build(),
            FsckReply.parser()).getChunks()).isZero();
      }
      // Restart on the same data: the namespace is still there and the epoch moved on.
      try (MetadataServer server = MetadataServer.start(cfg)) {
        await().atMost(Duration.ofSeconds(20)).until(server::isLeader);
        Attr d = server.service().lookup(LookupRequest.newBuilder().setCaller(ROOT_CALLER).setParent(1)
            .setName(n("d")).build()).getAttr();
        assertThat(server.service().lookup(LookupRequest.newBuilder().setCaller(ROOT_CALLER).setParent(d.getIno())
            .setName(n("f")).build()).getAttr().getIno()).isEqualTo(fileIno);
        assertThat(server.service().epoch()).isEqualTo(2);
      }
    }
  }
}
