package io.stratafs.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DeviceSpecTest {
  @Test
  void parsesMediaAndPath() {
    DeviceSpec s = DeviceSpec.parse("nvme:/data/d0", "d0");
    assertThat(s).isEqualTo(new DeviceSpec("d0", "nvme", Path.of("/data/d0")));
    assertThat(DeviceSpec.parse("HDD:/x", "d1").media()).isEqualTo("hdd");
  }

  @Test
  void parsesExplicitName() {
    DeviceSpec s = DeviceSpec.parse("fast=ssd:/mnt/a:b", "d0");
    assertThat(s.name()).isEqualTo("fast");
    assertThat(s.media()).isEqualTo("ssd");
    assertThat(s.path()).isEqualTo(Path.of("/mnt/a:b"));
  }

  @Test
  void rejectsBadSpecsWithClearMessages() {
    assertThatThrownBy(() -> DeviceSpec.parse("", "d0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("media:/path");
    assertThatThrownBy(() -> DeviceSpec.parse("/data/d0", "d0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected [name=]media:/path");
    assertThatThrownBy(() -> DeviceSpec.parse("tape:/data/d0", "d0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown media 'tape'");
    assertThatThrownBy(() -> DeviceSpec.parse("nvme:", "d0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad device spec");
    assertThatThrownBy(() -> DeviceSpec.parse("nvme:/x", "bad name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("device name");
    assertThatThrownBy(() -> DeviceSpec.parse("a/b=nvme:/x", "d0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("device name");
  }
}
