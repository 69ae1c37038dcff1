package io.stratafs.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.cli.StrataRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "already running" decision, with real processes: one that has exited (its pid is dead) and
 * a live one whose command line carries the io.stratafs marker, as our daemons' do.
 */
class UpPlanTest {
  @TempDir Path dir;
  private Process live;
  private long deadPid;

  @BeforeEach
  void startProcesses() throws Exception {
    // "; true" keeps bash from exec-ing sleep, so the marker ($0) stays in its command line.
    live = new ProcessBuilder("bash", "-c", "sleep 60; true", "io.stratafs.cli.Strata").start();
    Process dead = new ProcessBuilder("true").start();
    assertThat(dead.waitFor(10, TimeUnit.SECONDS)).isTrue();
    deadPid = dead.pid();
  }

  @AfterEach
  void stopProcesses() throws InterruptedException {
    live.descendants().forEach(ProcessHandle::destroyForcibly); // bash's sleep, not to outlive the test
    live.destroyForcibly();
    live.waitFor(10, TimeUnit.SECONDS);
  }

  private ClusterFile cluster(Long zkPid, Long metaPid) {
    return new ClusterFile(
        "strata",
        "127.0.0.1:2181",
        dir.resolve("mnt").toString(),
        "64M",
        List.of(
            new ClusterProcess("mount", "mount-1", zkPid, Map.of(), "m.log", null, null),
            new ClusterProcess("zk", "zk-1", zkPid, Map.of("client", 2181), "z.log", null, null),
            new ClusterProcess("meta", "meta-1", metaPid, Map.of("rpc", 1), "x.log", null, null)));
  }

  @Test
  void probeRecognisesOnlyLiveStrataProcesses() {
    assertThat(ProcessProbe.isStrataProcess(live.pid())).isTrue();
    assertThat(ProcessProbe.isStrataProcess(deadPid)).isFalse();
    assertThat(ProcessProbe.isStrataProcess(null)).isFalse();
    // alive, but not ours: the test JVM's command line does not name io.stratafs
    assertThat(ProcessProbe.isStrataProcess(ProcessHandle.current().pid())).isFalse();
  }

  @Test
  void noClusterFileStartsANewCluster() {
    assertThat(UpPlan.decide(Optional.empty(), ProcessProbe::isStrataProcess).kind()).isEqualTo(UpPlan.Kind.START_NEW);
  }

  @Test
  void allAliveIsAlreadyRunning() {
    UpPlan plan = UpPlan.decide(Optional.of(cluster(live.pid(), live.pid())), ProcessProbe::isStrataProcess);
    assertThat(plan.kind()).isEqualTo(UpPlan.Kind.ALREADY_RUNNING);
    assertThat(plan.toStart()).isEmpty();
  }

  @Test
  void deadOnesAreRestartedInRoleOrder() {
    UpPlan plan = UpPlan.decide(Optional.of(cluster(deadPid, live.pid())), ProcessProbe::isStrataProcess);
    assertThat(plan.kind()).isEqualTo(UpPlan.Kind.RESTART_STOPPED);
    assertThat(plan.toStart()).extracting(ClusterProcess::id).containsExactly("zk-1", "mount-1");
  }

  @Test
  void aNodeRestartsAfterTheStorageDaemonsItsMountMayNeedAndStopsBeforeThem() {
    ClusterFile c =
        new ClusterFile(
            "strata", "127.0.0.1:2181", dir.resolve("mnt").toString(), "64M",
            List.of(
                new ClusterProcess("node", "storage-1", deadPid, Map.of("rpc", 2), "s1.log", List.of("nvme:/d/1"), null),
                new ClusterProcess("storage", "storage-2", deadPid, Map.of("rpc", 3), "s2.log", List.of("nvme:/d/2"), null),
                new ClusterProcess("zk", "zk-1", deadPid, Map.of("client", 2181), "z.log", null, null),
                new ClusterProcess("meta", "meta-1", live.pid(), Map.of("rpc", 1), "x.log", null, null)));
    UpPlan plan = UpPlan.decide(Optional.of(c), ProcessProbe::isStrataProcess);
    assertThat(plan.toStart()).extracting(ClusterProcess::id).containsExactly("zk-1", "storage-2", "storage-1");
    assertThat(Role.NODE.servesStorage()).isTrue();
    assertThat(Role.NODE.mounts()).isTrue();
    assertThat(Role.NODE.compareTo(Role.MOUNT)).as("down stops a node before a separate mount").isNegative();
  }

  @Test
  void upChangesNothingWhenAlreadyRunning() throws IOException {
    Path json = dir.resolve("cluster.json");
    cluster(live.pid(), live.pid()).write(json);
    String before = Files.readString(json);
    StrataRunner.Run r = StrataRunner.run("up", "--data", dir.toString());
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("already running");
    assertThat(Files.readString(json)).isEqualTo(before);
  }

  @Test
  void downAndStatusWithNothingRunning() {
    cluster(deadPid, null).write(dir.resolve("cluster.json"));
    StrataRunner.Run status = StrataRunner.run("status", "--data", dir.toString(), "--json");
    assertThat(status.exitCode()).isZero();
    assertThat(status.out()).contains("\"running\" : false", "\"alive\" : false", "unreachable");
    StrataRunner.Run down = StrataRunner.run("down", "--data", dir.toString());
    assertThat(down.exitCode()).isZero();
    assertThat(down.out()).contains("not running");
    StrataRunner.Run none = StrataRunner.run("down", "--data", dir.resolve("empty").toString());
    assertThat(none.exitCode()).isZero();
    assertThat(none.out()).contains("not running");
  }
}
