package io.stratafs.meta.storage;

import static io.stratafs.meta.Regs.reg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.ExternalCopy;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.storage.StorageRegistration;
import io.stratafs.tiering.BuiltinPolicies;
import io.stratafs.tiering.StoragePolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementTest {
  static StoragePolicy policy(String name) {
    return BuiltinPolicies.find(name).orElseThrow();
  }

  /** Three daemons on three hosts and nodes; a and b share node n1; only c reaches S3. */
  static final List<StorageRegistration> THREE = List.of(
      reg("a", "10.0.0.1", "n1", "nvme", 100),
      reg("b", "10.0.0.2", "n1", "ssd", 500),
      reg("c", "10.0.0.3", "n2", "nvme", 50, "s3main=s3"));

  @Test
  void hotPutsTwoReplicasOnDistinctNodesWriterHostFirst() {
    Placement p = new Placement(() -> THREE);
    Placement.Placed placed = p.place(policy("hot"), "10.0.0.1", 1).get(0);
    assertThat(placed.replicas()).extracting(Replica::getStorageId).containsExactly("a", "c");
    assertThat(placed.replicas()).extracting(Replica::getNode).containsExactly("n1", "n2");
    assertThat(placed.replicas().get(0).getIncarnation()).isEqualTo(1);
    assertThat(placed.externals()).isEmpty();
    // No writer on any daemon's host: most free first (b), then the other node.
    Placement.Placed remote = p.place(policy("hot"), "192.168.1.1", 1).get(0);
    assertThat(remote.replicas()).extracting(Replica::getStorageId).containsExactly("b", "c");
  }

  @Test
  void aRequestRotatesOverEquallyGoodDevices() {
    Placement p = new Placement(() -> THREE);
    List<Placement.Placed> four = p.place(policy("single"), "", 3);
    assertThat(four).extracting(x -> x.replicas().get(0).getStorageId()).containsExactly("b", "a", "c");
    assertThat(four).allSatisfy(x -> assertThat(x.replicas()).hasSize(1));
  }

  @Test
  void hybridGetsOneLocalAndOneExternal() {
    Placement.Placed placed = new Placement(() -> THREE).place(policy("hybrid"), "10.0.0.2", 1).get(0);
    assertThat(placed.replicas()).extracting(Replica::getStorageId).containsExactly("b");
    assertThat(placed.externals()).containsExactly(
        ExternalCopy.newBuilder().setTarget("s3main").setMedia("s3").setSync(false).build());
  }

  @Test
  void coldGetsOneStagingReplicaAndASyncExternal() {
    Placement.Placed placed = new Placement(() -> THREE).place(policy("cold"), "10.0.0.3", 1).get(0);
    assertThat(placed.replicas()).extracting(Replica::getStorageId).containsExactly("c");
    assertThat(placed.externals()).extracting(ExternalCopy::getTarget, ExternalCopy::getSync)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("s3main", true));
  }

  @Test
  void externalsWithoutATargetAreLeftOut() {
    List<StorageRegistration> noS3 = List.of(reg("a", "h1", "n1", "hdd", 10), reg("b", "h2", "n2", "hdd", 10));
    Placement.Placed placed = new Placement(() -> noS3).place(policy("hybrid"), "", 1).get(0);
    assertThat(placed.replicas()).hasSize(1);
    assertThat(placed.externals()).isEmpty();
    // hot wants nvme|ssd: none, so one replica lands anywhere rather than nowhere.
    assertThat(new Placement(() -> noS3).place(policy("hot"), "", 1).get(0).replicas()).hasSize(1);
  }

  @Test
  void nothingLocalIsNoSpace() {
    assertThatThrownBy(() -> new Placement(List::of).place(policy("single"), "", 1))
        .isInstanceOf(StrataException.class)
        .hasMessageContaining("no storage daemon is registered")
        .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(StatusCode.NO_SPACE));
    List<StorageRegistration> full = List.of(reg("a", "h1", "n1", "ssd", 0));
    assertThatThrownBy(() -> new Placement(() -> full).place(policy("single"), "", 1))
        .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(StatusCode.NO_SPACE));
  }

  @Test
  void missingLocalMatchesExistingReplicasToRules() {
    StoragePolicy warm = policy("warm");
    Replica ssd = Replica.newBuilder().setStorageId("x").setMedia("ssd").build();
    assertThat(Placement.missingLocal(warm, List.of(ssd))).containsExactly(java.util.Set.of(io.stratafs.tiering.Media.HDD));
    assertThat(Placement.missingLocal(policy("cold"), List.of(ssd))).isEmpty();
  }
}
