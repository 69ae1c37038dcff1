package io.stratafs.meta.ops;

import static io.stratafs.meta.MetaFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.stratafs.common.StatusCode;
import io.stratafs.meta.MetaFixture;
import io.stratafs.meta.Regs;
import io.stratafs.meta.replication.ReplicationConfig;
import io.stratafs.protocol.meta.*;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyOpsTest {
  @TempDir Path tmp;
  MetaFixture f;

  @BeforeEach
  void open() {
    f = MetaFixture.rocks(tmp.resolve("db"), ReplicationConfig.DEFAULTS.withPolicies(List.of("fast3=3xnvme:sync")));
  }

  @AfterEach
  void close() {
    f.close();
  }

  PolicyReply get(long ino) {
    return f.svc.getPolicy(GetPolicyRequest.newBuilder().setCaller(ROOT_CALLER).setIno(ino).build());
  }

  PolicyReply set(Caller c, long ino, String policy) {
    return f.svc.setPolicy(SetPolicyRequest.newBuilder().setCaller(c).setIno(ino).setPolicy(policy).build());
  }

  @Test
  void defaultIsHybridNotExplicit() {
    Attr a = f.create(ROOT, "a");
    PolicyReply p = get(a.getIno());
    assertThat(p.getPolicy()).isEqualTo("hybrid");
    assertThat(p.getExplicit()).isFalse();
    assertThat(p.getDefinition()).isEqualTo("hybrid=1xhdd|nvme|ssd:sync,1xnas|s3:async");
  }

  @Test
  void setOnADirectoryIsInheritedByDirsAndFilesCreatedLater() {
    Attr d = f.mkdir(ROOT, "d");
    Attr before = f.create(d.getIno(), "before");
    assertThat(set(ROOT_CALLER, d.getIno(), "fast3").getDefinition()).isEqualTo("fast3=3xnvme:sync");
    Attr sub = f.mkdir(d.getIno(), "sub");
    Attr file = f.create(sub.getIno(), "file");
    assertThat(get(sub.getIno()).getPolicy()).isEqualTo("fast3");
    assertThat(get(file.getIno()).getPolicy()).isEqualTo("fast3");
    assertThat(get(file.getIno()).getExplicit()).isTrue();
    assertThat(get(before.getIno()).getPolicy()).isEqualTo("hybrid"); // inheritance is at creation
    // Symlinks carry no policy (user.* xattrs exist only on files and directories).
    f.svc.symlink(SymlinkRequest.newBuilder().setCaller(ROOT_CALLER).setParent(d.getIno()).setName(n("l"))
        .setTarget(n("file")).build());
  }

  @Test
  void unknownNamesAreEinvalListingValidOnesBySetPolicyAndSetxattr() {
    Attr a = f.create(ROOT, "a");
    expectCode(StatusCode.INVALID_ARGUMENT, () -> set(ROOT_CALLER, a.getIno(), "fastest"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> set(ROOT_CALLER, a.getIno(), "fastest"))
        .hasMessageContaining("hot, hybrid, safe, warm, cold, single, fast3");
    expectCode(StatusCode.INVALID_ARGUMENT, () -> f.svc.setxattr(SetXattrRequest.newBuilder().setCaller(ROOT_CALLER)
        .setIno(a.getIno()).setName(n("user.strata.policy")).setValue(n("nope")).build()));
    f.svc.setxattr(SetXattrRequest.newBuilder().setCaller(ROOT_CALLER).setIno(a.getIno())
        .setName(n("user.strata.policy")).setValue(n("cold")).build());
    assertThat(get(a.getIno()).getPolicy()).isEqualTo("cold");
    assertThat(f.svc.getxattr(GetXattrRequest.newBuilder().setCaller(ROOT_CALLER).setIno(a.getIno())
        .setName(n("user.strata.policy")).build()).getValue()).isEqualTo(ByteString.copyFromUtf8("cold"));
  }

  @Test
  void settingNeedsWritePermissionLikeSetxattr() {
    Attr a = f.create(ROOT, "a");
    expectCode(StatusCode.ACCESS_DENIED, () -> set(user(1000, 1000), a.getIno(), "hot"));
  }

  @Test
  void listHasBuiltinsThenOperatorPolicies() {
    ListPoliciesReply all = f.svc.listPolicies(ListPoliciesRequest.getDefaultInstance());
    assertThat(all.getPoliciesList()).extracting(PolicyReply::getPolicy)
        .containsExactly("hot", "hybrid", "safe", "warm", "cold", "single", "fast3");
  }

  @Test
  void allocationFollowsTheFilesPolicy() {
    f.storages.add(Regs.reg("a", "h1", "n1", "nvme", 100, "s3main=s3"));
    f.storages.add(Regs.reg("b", "h2", "n2", "nvme", 100));
    Attr a = f.create(ROOT, "a");
    set(ROOT_CALLER, a.getIno(), "hot");
    ChunkInfo c = f.svc.allocChunks(AllocChunksRequest.newBuilder().setCaller(ROOT_CALLER).setIno(a.getIno())
        .addIndexes(0).setClientHost("h2").build()).getChunks(0);
    assertThat(c.getReplicasList()).extracting(Replica::getStorageId).containsExactly("b", "a");
    assertThat(c.getExternalsList()).isEmpty();
    Attr h = f.create(ROOT, "h");
    ChunkInfo hc = f.svc.allocChunks(AllocChunksRequest.newBuilder().setCaller(ROOT_CALLER).setIno(h.getIno())
        .addIndexes(0).build()).getChunks(0);
    assertThat(hc.getReplicasCount()).isEqualTo(1);
    assertThat(hc.getExternalsList()).extracting(ExternalCopy::getTarget).containsExactly("s3main");
  }
}
