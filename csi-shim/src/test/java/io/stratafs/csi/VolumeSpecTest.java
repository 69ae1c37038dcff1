package io.stratafs.csi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeSpecTest {
  @Test
  void defaultsToHybridAndRoundTripsTheVolumeId() {
    VolumeSpec v = VolumeSpec.fromRequest("pvc-1234.a", 1 << 30, Map.of("csi.storage.k8s.io/pvc/name", "x"));
    assertThat(v.policy()).isEqualTo("hybrid");
    assertThat(v.path()).isEqualTo("/volumes/pvc-1234.a");
    assertThat(VolumeSpec.nameFromVolumeId(v.volumeId())).isEqualTo("pvc-1234.a");
  }

  @Test
  void refusesBadInputWithInvalidArgument() {
    assertCode(() -> VolumeSpec.fromRequest("Bad_Name", 0, Map.of()), "volume name");
    assertCode(() -> VolumeSpec.fromRequest("ok", 0, Map.of("policy", "lukewarm")), "unknown storage policy");
    assertCode(() -> VolumeSpec.fromRequest("ok", 0, Map.of("replicas", "3")), "unknown StorageClass parameter 'replicas'");
    assertCode(() -> VolumeSpec.fromRequest("ok", -1, Map.of()), "capacity");
    assertCode(() -> VolumeSpec.nameFromVolumeId("nfs:abc"), "not a StrataFS volume id");
    assertCode(() -> VolumeSpec.nameFromVolumeId("strata:../etc"), "malformed");
  }

  private static void assertCode(Runnable r, String message) {
    assertThatThrownBy(r::run)
        .isInstanceOf(StrataException.class)
        .hasMessageContaining(message)
        .satisfies(t -> assertThat(((StrataException) t).code()).isEqualTo(StatusCode.INVALID_ARGUMENT));
  }
}
