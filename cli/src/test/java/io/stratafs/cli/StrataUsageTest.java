package io.stratafs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Usage errors: exit code 2 and a message that names the offending flag. */
class StrataUsageTest {
  private static StrataRunner.Run run(String... args) {
    return StrataRunner.run(args);
  }

  @Test
  void badChunkSizeNamesTheFlag() {
    StrataRunner.Run r = run("meta", "--zk", "127.0.0.1:1", "--data", "/nonexistent", "--chunk-size", "12Q");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--chunk-size").contains("12Q");
  }

  @Test
  void badDurationNamesTheFlag() {
    StrataRunner.Run r = run("mount", "--zk", "127.0.0.1:1", "--attr-timeout", "1x", "/nonexistent");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--attr-timeout");
  }

  @Test
  void missingRequiredOptionIsAUsageError() {
    StrataRunner.Run r = run("storage", "--zk", "127.0.0.1:1");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--device");
  }

  @Test
  void unknownOptionIsAUsageError() {
    StrataRunner.Run r = run("status", "--frobnicate");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--frobnicate");
  }

  @Test
  void storageCountOutOfRangeNamesTheFlag() {
    StrataRunner.Run r = run("up", "--data", "/nonexistent/strata-test", "--storage", "0");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--storage");
  }

  @Test
  void noCommandIsAUsageError() {
    StrataRunner.Run r = run();
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Missing a command");
  }

  @Test
  void helpDocumentsDefaults() {
    StrataRunner.Run r = run("up", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out().replaceAll("\\s+", " ")).contains("--storage").contains("default: 3").contains("default: 64M").contains("STRATA_DATA");
    StrataRunner.Run mount = run("mount", "--help");
    assertThat(mount.out().replaceAll("\\s+", " ")).contains("--attr-timeout").contains("default: 1s").contains("--workers");
  }

  @Test
  void versionPrintsSomething() {
    StrataRunner.Run r = run("--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("StrataFS");
  }
}
