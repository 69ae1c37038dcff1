package io.stratafs.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratafs.cli.StrataRunner;
import io.stratafs.common.ZkPaths;
import io.stratafs.protocol.meta.FsckChunk;
import io.stratafs.protocol.meta.FsckReply;
import io.stratafs.protocol.meta.FsckRequest;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.rpc.RpcServer;
import io.stratafs.protocol.storage.MetaRegistration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * strata fsck against a real ZooKeeper and a real RPC server answering meta.Fsck with a
 * hand-written reply: the leader is found through ZooKeeper, flags reach the request, the JSON
 * has the documented shape and the exit code says whether the filesystem is healthy.
 */
@Timeout(60)
class FsckCommandTest {
  private static final String FS = "fsck";

  private static FsckReply unhealthy() {
    return FsckReply.newBuilder()
        .setChunks(10)
        .setUnderReplicated(2)
        .setLost(1)
        .setCorrupt(0)
        .setRepaired(3)
        .setPendingUploads(4)
        .setMaxExternalLagMs(1500)
        .setOverReplicated(1)
        .addDetails(FsckChunk.newBuilder().setIno(5).setIndex(0).setChunkId(0xabc).setState("lost").setDetail("no replica, no current external copy"))
        .build();
  }

  @Test
  void jsonHasEveryCountAndTheExitCodeSaysUnhealthy() throws Exception {
    List<FsckRequest> asked = new CopyOnWriteArrayList<>();
    try (TestingServer zk = new TestingServer(true);
        CuratorFramework curator = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
        RpcServer meta =
            RpcServer.builder("fsck-meta")
                .handler(Methods.META_FSCK, FsckRequest.parser(), call -> {
                  asked.add(call.request());
                  return RpcReply.of(call.request().getRepair() ? FsckReply.newBuilder().setChunks(10).setRepaired(3).build() : unhealthy());
                })
                .build()
                .start()) {
      curator.start();
      curator.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(
          ZkPaths.metaLeader(FS), MetaRegistration.newBuilder().setServerId("m1").setAddress("127.0.0.1:" + meta.port()).setEpoch(1).build().toByteArray());

      StrataRunner.Run r = StrataRunner.run("fsck", "--zk", zk.getConnectString(), "--fs", FS, "--json", "--max-details", "7");
      assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
      JsonNode o = new ObjectMapper().readTree(r.out());
      assertThat(r.out().trim().lines()).as("one JSON object on one line").hasSize(1);
      assertThat(o.get("chunks").asLong()).isEqualTo(10);
      assertThat(o.get("under_replicated").asLong()).isEqualTo(2);
      assertThat(o.get("lost").asLong()).isEqualTo(1);
      assertThat(o.get("corrupt").asLong()).isZero();
      assertThat(o.get("repaired").asLong()).isEqualTo(3);
      assertThat(o.get("pending_uploads").asLong()).isEqualTo(4);
      assertThat(o.get("max_external_lag_ms").asLong()).isEqualTo(1500);
      assertThat(o.get("over_replicated").asLong()).isEqualTo(1);
      assertThat(o.get("healthy").asBoolean()).isFalse();
      assertThat(o.get("details").get(0).get("state").asText()).isEqualTo("lost");
      assertThat(o.get("details").get(0).get("chunk_id").asLong()).isEqualTo(0xabc);
      assertThat(asked.get(0).getRepair()).isFalse();
      assertThat(asked.get(0).getMaxDetails()).isEqualTo(7);

      StrataRunner.Run repaired = StrataRunner.run("fsck", "--zk", zk.getConnectString(), "--fs", FS, "--repair");
      assertThat(repaired.exitCode()).as(repaired.err()).isZero();
      assertThat(asked.get(1).getRepair()).isTrue();
      assertThat(repaired.out()).contains("repaired").contains("status: healthy");
    }
  }

  @Test
  void noLeaderIsAClearFailure() throws Exception {
    try (TestingServer zk = new TestingServer(true)) {
      StrataRunner.Run r = StrataRunner.run("fsck", "--zk", zk.getConnectString(), "--fs", FS, "--timeout", "5s");
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err()).contains("no metadata leader").contains(FS);
    }
  }

  @Test
  void healthyIsZeroEverywhere() {
    assertThat(FsckReport.exitCode(FsckReply.newBuilder().setChunks(3).setPendingUploads(2).build())).isZero();
    assertThat(FsckReport.exitCode(FsckReply.newBuilder().setCorrupt(1).build())).isEqualTo(1);
    assertThat(FsckReport.exitCode(FsckReply.newBuilder().setUnderReplicated(1).build())).isEqualTo(1);
  }
}
