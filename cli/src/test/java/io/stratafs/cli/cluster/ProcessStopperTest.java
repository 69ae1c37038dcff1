package io.stratafs.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ending a process that is not our child, as {@code strata down} does: a zombie has ended though
 * the JDK still calls it alive, so nobody waits for init to reap it.
 */
class ProcessStopperTest {
  private Process parent;

  @AfterEach
  void stopParent() throws InterruptedException {
    if (parent != null) {
      parent.destroyForcibly();
      parent.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * A zombie that stays one, and was a strata process while it ran: bash starts a short-lived
   * child whose command line carries the marker, then becomes (exec) a long sleep, which never
   * waits for the child it inherited.
   */
  private ProcessHandle zombie() throws Exception {
    parent = new ProcessBuilder("bash", "-c", "bash -c 'sleep 3; true' io.stratafs.cli.Strata & exec sleep 60").start();
    ProcessHandle child =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> parent.toHandle().children().findFirst().orElse(null), c -> c != null);
    assertThat(ProcessProbe.isStrataProcess(child.pid())).as("the child while it runs").isTrue();
    await().atMost(Duration.ofSeconds(20)).until(() -> ProcessProbe.hasEnded(child));
    return child;
  }

  @Test
  void aZombieHasEndedThoughTheJdkCallsItAlive() throws Exception {
    ProcessHandle zombie = zombie();
    assertThat(zombie.isAlive()).as("the JDK's view of a zombie").isTrue();
    assertThat(ProcessProbe.hasEnded(zombie)).isTrue();
    assertThat(ProcessProbe.isStrataProcess(zombie.pid())).as("a zombie is no longer a running strata process").isFalse();
  }

  @Test
  void aRunningProcessHasNotEndedAndAnExitedOneHas() throws Exception {
    parent = new ProcessBuilder("sleep", "60").start();
    assertThat(ProcessProbe.hasEnded(parent.toHandle())).isFalse();
    parent.destroyForcibly();
    assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ProcessProbe.hasEnded(parent.toHandle())).isTrue();
  }

  @Test
  void stopTerminatesAProcessThatHonoursSigterm() throws Exception {
    parent = new ProcessBuilder("sleep", "60").start();
    assertThat(ProcessStopper.stop(parent.toHandle(), Duration.ofSeconds(30))).isEqualTo(ProcessStopper.Outcome.TERMINATED);
    // stop returns once the process is a zombie; the JDK calls it alive until its reaper thread
    // has waited for it, a moment later, so wait for that rather than race it.
    assertThat(parent.waitFor(10, TimeUnit.SECONDS)).as("sleep ended").isTrue();
    assertThat(parent.isAlive()).isFalse();
    assertThat(parent.exitValue()).as("by SIGTERM").isEqualTo(128 + 15);
  }

  @Test
  void stopKillsAProcessThatIgnoresSigtermAfterTheGrace() throws Exception {
    // bash ignores TERM for itself and the sleep it waits on; "; true" keeps bash from exec-ing it.
    parent = new ProcessBuilder("bash", "-c", "trap '' TERM; sleep 60; true").start();
    ProcessHandle sleep =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> parent.toHandle().children().findFirst().orElse(null), c -> c != null);
    try {
      assertThat(ProcessStopper.stop(parent.toHandle(), Duration.ofMillis(300))).isEqualTo(ProcessStopper.Outcome.KILLED);
      assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      sleep.destroyForcibly(); // orphaned by the kill
    }
  }
}
