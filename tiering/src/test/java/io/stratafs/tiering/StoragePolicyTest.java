package io.stratafs.tiering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StoragePolicyTest {
  @Test
  void builtinsMatchTheDesign() {
    assertThat(BuiltinPolicies.all()).containsKeys("hot", "hybrid", "safe", "warm", "cold", "single");
    StoragePolicy hybrid = BuiltinPolicies.find(BuiltinPolicies.DEFAULT).orElseThrow();
    assertThat(hybrid.localReplicas()).isEqualTo(1);
    assertThat(hybrid.hasExternal()).isTrue();
    assertThat(hybrid.rules().get(1).sync()).isFalse();
    assertThat(BuiltinPolicies.find("hot").orElseThrow().localReplicas()).isEqualTo(2);
    assertThat(BuiltinPolicies.find("cold").orElseThrow().localReplicas()).isZero();
  }

  @Test
  void parsesAndPrintsRoundTrip() {
    StoragePolicy p = StoragePolicy.parse("fast3=3xnvme:sync,1xs3:async");
    assertThat(p.totalReplicas()).isEqualTo(4);
    assertThat(StoragePolicy.parse(p.toString())).isEqualTo(p);
    assertThat(ReplicaRule.parse("hdd")).isEqualTo(new ReplicaRule(java.util.Set.of(Media.HDD), 1, true));
  }

  @Test
  void rejectsBadDefinitionsWithClearMessages() {
    assertThatThrownBy(() -> StoragePolicy.parse("x=1xtape:sync")).hasMessageContaining("unknown media 'tape'");
    assertThatThrownBy(() -> StoragePolicy.parse("x=1xssd:maybe")).hasMessageContaining("'sync' or 'async'");
    assertThatThrownBy(() -> StoragePolicy.parse("x=1xs3:async")).hasMessageContaining("no synchronous replica");
    assertThatThrownBy(() -> StoragePolicy.parse("x=1xssd|s3")).hasMessageContaining("mixes local and external");
    assertThatThrownBy(() -> StoragePolicy.parse("Bad Name=ssd")).hasMessageContaining("policy name");
    assertThatThrownBy(() -> StoragePolicy.parse("nodefinition")).hasMessageContaining("must look like");
    assertThatThrownBy(() -> ReplicaRule.parse("0xssd")).hasMessageContaining("1..8");
  }

  @Test
  void operatorsAddPoliciesButCannotRedefineBuiltins() {
    assertThat(BuiltinPolicies.withCustom(List.of("archive=1xhdd:sync,1xnas:async"))).containsKey("archive");
    assertThatThrownBy(() -> BuiltinPolicies.withCustom(List.of("hot=1xssd")))
        .hasMessageContaining("built-in");
    assertThatThrownBy(() -> BuiltinPolicies.withCustom(List.of("a=ssd", "a=hdd")))
        .hasMessageContaining("defined twice");
  }
}
