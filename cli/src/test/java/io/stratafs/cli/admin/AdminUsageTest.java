package io.stratafs.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.cli.StrataRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage errors and precise failures of the admin and cluster commands' new options. */
class AdminUsageTest {
  @TempDir Path dir;

  @Test
  void policyNeedsASubcommand() {
    StrataRunner.Run r = StrataRunner.run("policy");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("set, get or list");
  }

  @Test
  void policySetNeedsPathAndName() {
    StrataRunner.Run r = StrataRunner.run("policy", "set", dir.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("NAME");
  }

  @Test
  void aPathOutsideStrataFsIsRefusedBeforeAnyConnection() {
    StrataRunner.Run r = StrataRunner.run("policy", "get", dir.toString(), "--zk", "127.0.0.1:1");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains(dir.toString()).contains("is not on a StrataFS mount");
  }

  @Test
  void aMissingPathSaysSo() {
    StrataRunner.Run r = StrataRunner.run("policy", "set", dir.resolve("nope").toString(), "hot", "--zk", "127.0.0.1:1");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("no such file or directory");
  }

  @Test
  void fsckWithoutClusterNamesTheWayOut() {
    StrataRunner.Run r = StrataRunner.run("fsck", "--data", dir.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("no embedded cluster in " + dir).contains("--zk");
  }

  @Test
  void negativeMaxDetailsIsAUsageError() {
    StrataRunner.Run r = StrataRunner.run("fsck", "--zk", "127.0.0.1:1", "--max-details", "-1");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--max-details");
  }

  @Test
  void badExternalNamesTheFlagAndTheForms() {
    StrataRunner.Run r = StrataRunner.run("up", "--data", dir.toString(), "--external", "ftp://x");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--external").contains("ftp").contains("nas:///");
    StrataRunner.Run relative = StrataRunner.run("up", "--data", dir.toString(), "--external", "cold=nas://relative/dir");
    assertThat(relative.exitCode()).isEqualTo(2);
    assertThat(relative.err()).contains("--external").contains("absolute");
    StrataRunner.Run badName = StrataRunner.run("up", "--data", dir.toString(), "--external", "Big Name=nas:///x");
    assertThat(badName.exitCode()).isEqualTo(2);
    assertThat(badName.err()).contains("'Big Name'");
    StrataRunner.Run twice = StrataRunner.run("up", "--data", dir.toString(), "--external", "a=nas:///x", "--external", "a=nas:///y");
    assertThat(twice.exitCode()).isEqualTo(2);
    assertThat(twice.err()).contains("'a' is given twice");
  }

  @Test
  void badReplicationSettingsNameTheFlag() {
    StrataRunner.Run grace = StrataRunner.run("up", "--data", dir.toString(), "--heal-grace", "soon");
    assertThat(grace.exitCode()).isEqualTo(2);
    assertThat(grace.err()).contains("--heal-grace").contains("soon");
    StrataRunner.Run delay = StrataRunner.run("meta", "--zk", "127.0.0.1:1", "--data", dir.toString(), "--upload-delay", "-1s");
    assertThat(delay.exitCode()).isEqualTo(2);
    assertThat(delay.err()).contains("--upload-delay");
    StrataRunner.Run policy = StrataRunner.run("meta", "--zk", "127.0.0.1:1", "--data", dir.toString(), "--policy", "fast3");
    assertThat(policy.exitCode()).isEqualTo(2);
    assertThat(policy.err()).contains("--policy").contains("NAME=DEFINITION");
  }

  @Test
  void helpListsTheNewCommandsAndFlags() {
    StrataRunner.Run top = StrataRunner.run("--help");
    assertThat(top.out()).contains("policy").contains("fsck");
    StrataRunner.Run up = StrataRunner.run("up", "--help");
    assertThat(up.out().replaceAll("\\s+", " ")).contains("--external").contains("--heal-grace").contains("--upload-delay").contains("--policy");
    StrataRunner.Run fsck = StrataRunner.run("fsck", "--help");
    assertThat(fsck.out().replaceAll("\\s+", " ")).contains("--repair").contains("--json").contains("Exit codes: 0 healthy");
  }
}
