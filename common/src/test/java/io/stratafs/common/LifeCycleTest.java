package io.stratafs.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stratafs.common.LifeCycle.State;
import org.junit.jupiter.api.Test;

class LifeCycleTest {
  @Test
  void followsTheCheckedPath() {
    LifeCycle lc = new LifeCycle("svc");
    assertThatThrownBy(lc::assertRunning).isInstanceOf(StrataException.class);
    lc.transition(State.STARTING);
    lc.transition(State.RUNNING);
    lc.assertRunning();
    lc.transition(State.CLOSING);
    lc.transition(State.CLOSED);
    assertThat(lc.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void refusesIllegalTransitions() {
    LifeCycle lc = new LifeCycle("svc");
    assertThatThrownBy(() -> lc.transition(State.RUNNING))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("NEW -> RUNNING");
  }
}
