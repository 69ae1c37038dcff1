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
  void writeBudgetBelowTheFileBufferIsAUsageError() {
    StrataRunner.Run r = run("mount", "--zk", "127.0.0.1:1", "--write-budget", "16M", "/nonexistent");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--write-budget").contains("32M").contains("16M");
  }

  @Test
  void aWriteBudgetBeyondTheJvmsDirectMemoryIsAUsageError() {
    // Written bytes wait in direct memory: a budget the JVM cannot hold would fail writes later.
    StrataRunner.Run r = run("mount", "--zk", "127.0.0.1:1", "--write-budget", "512G", "/nonexistent");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--write-budget").contains("512G").contains("direct memory").contains("-XX:MaxDirectMemorySize=");
  }

  @Test
  void anMtimeGranularityAboveASecondIsAUsageError() {
    StrataRunner.Run r = run("mount", "--zk", "127.0.0.1:1", "--mtime-granularity", "2s", "/nonexistent");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--mtime-granularity").contains("0..1s").contains("2s");
  }

  @Test
  void aDirectPortOutOfRangeIsAUsageError() {
    StrataRunner.Run r = run("storage", "--zk", "127.0.0.1:1", "--device", "nvme:/nonexistent", "--direct-port", "-2");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--direct-port").contains("-2");
  }

  @Test
  void aStatAheadBeyondWhatTheServerSendsIsAUsageError() {
    for (String bad : new String[] {"-1", "4096"}) {
      StrataRunner.Run r = run("mount", "--zk", "127.0.0.1:1", "--stat-ahead", bad, "/nonexistent");
      assertThat(r.exitCode()).isEqualTo(2);
      assertThat(r.err()).contains("--stat-ahead").contains("0..1024").contains(bad);
    }
  }

  @Test
  void missingRequiredOptionIsAUsageError() {
    StrataRunner.Run r = run("storage", "--zk", "127.0.0.1:1");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--device");
  }

  @Test
  void badExternalTargetNamesTheFlag() {
    StrataRunner.Run r = run("storage", "--zk", "127.0.0.1:1", "--device", "ssd:/nonexistent/strata-test", "--external", "ftp://x");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--external").contains("NAME=URI");
    StrataRunner.Run scheme = run("storage", "--zk", "127.0.0.1:1", "--device", "ssd:/nonexistent/strata-test", "--external", "a=ftp://x");
    assertThat(scheme.exitCode()).isEqualTo(2);
    assertThat(scheme.err()).contains("--external").contains("ftp");
  }

  @Test
  void badScrubRateNamesTheFlag() {
    StrataRunner.Run r = run("storage", "--zk", "127.0.0.1:1", "--device", "ssd:/nonexistent/strata-test", "--scrub-rate", "fast");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--scrub-rate").contains("fast");
  }

  @Test
  void scrubRateAcceptsZeroAndUnits() {
    var c = new io.stratafs.cli.daemon.StorageOptions.ScrubRate();
    assertThat(c.convert("0")).isZero();
    assertThat(c.convert("32MiB")).isEqualTo(32L << 20);
    assertThat(c.convert("1G/s")).isEqualTo(1L << 30);
  }

  @Test
  void aScrubIntervalOfZeroIsAUsageErrorThatSaysHowToTurnScrubbingOff() {
    StrataRunner.Run r = run("storage", "--zk", "127.0.0.1:1", "--device", "ssd:/tmp/strata-usage-never-created", "--scrub-interval", "0");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--scrub-interval").contains("must be positive").contains("--scrub-rate 0");
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
    assertThat(mount.out().replaceAll("\\s+", " ")).contains("--attr-timeout").contains("default: 1s").contains("--workers")
        .contains("--write-budget=SIZE").contains("default: 96M");
    StrataRunner.Run storage = run("storage", "--help");
    assertThat(storage.out().replaceAll("\\s+", " ")).contains("--external=NAME=URI").contains("--scrub-rate").contains("default: 32M");
    StrataRunner.Run node = run("node", "--help");
    assertThat(node.out().replaceAll("\\s+", " ")).contains("--device=MEDIA:DIR").contains("--scrub-rate").contains("--write-budget=SIZE")
        .contains("MOUNTPOINT").contains("without a socket");
    assertThat(r.out().replaceAll("\\s+", " ")).contains("--[no-]mount-with-storage").contains("default: true");
  }

  @Test
  void aNodeChecksItsMountOptionsBeforeStartingItsDaemon(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
    java.nio.file.Path device = tmp.resolve("d0");
    StrataRunner.Run r = run("node", "--zk", "127.0.0.1:1", "--device", "nvme:" + device, "--workers", "0", tmp.resolve("mnt").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--workers").contains("at least 1");
    assertThat(device).as("the daemon never started, so its device directory was never made").doesNotExist();
    StrataRunner.Run storage = run("node", "--zk", "127.0.0.1:1", "--device", "nvme:" + device, "--direct-port", "70000", tmp.resolve("mnt").toString());
    assertThat(storage.exitCode()).isEqualTo(2);
    assertThat(storage.err()).contains("--direct-port");
    StrataRunner.Run noMountPoint = run("node", "--zk", "127.0.0.1:1", "--device", "nvme:" + device);
    assertThat(noMountPoint.exitCode()).isEqualTo(2);
    assertThat(noMountPoint.err()).contains("MOUNTPOINT");
  }

  @Test
  void versionPrintsSomething() {
    StrataRunner.Run r = run("--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("StrataFS");
  }
}
