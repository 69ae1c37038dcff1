package io.stratafs.fuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UnsyncedNamesTest {
  private final UnsyncedNames names = new UnsyncedNames();
  private final AtomicInteger barriers = new AtomicInteger();

  private void barrier() {
    barriers.incrementAndGet();
  }

  @Test
  void anFsyncWithNoNameChangeSendsNothing() {
    names.sync(this::barrier, false);
    assertThat(barriers).hasValue(0);
    assertThat(names.pending()).isFalse();
  }

  @Test
  void oneBarrierCoversEveryChangeAnsweredBeforeIt() {
    names.answered();
    names.answered();
    assertThat(names.pending()).isTrue();
    names.sync(this::barrier, false);
    names.sync(this::barrier, false);
    assertThat(barriers).hasValue(1);
    assertThat(names.pending()).isFalse();
    names.answered();
    names.sync(this::barrier, false);
    assertThat(barriers).hasValue(2);
  }

  @Test
  void aChangeAnsweredDuringTheBarrierStaysPending() {
    names.answered();
    names.sync(() -> {
      barrier();
      names.answered(); // another thread's create, answered while the barrier was on the wire
    }, false);
    assertThat(names.pending()).isTrue();
    names.sync(this::barrier, false);
    assertThat(barriers).hasValue(2);
  }

  @Test
  void aFailedBarrierLeavesTheChangesPending() {
    names.answered();
    assertThatThrownBy(() -> names.sync(() -> {
      throw StrataException.of(StatusCode.IO_ERROR, "metadata journal sync failed");
    }, false)).isInstanceOf(StrataException.class);
    assertThat(names.pending()).isTrue();
    names.sync(this::barrier, false);
    assertThat(barriers).hasValue(1);
  }

  @Test
  void fsyncdirAsksEvenWithNoChangeOfItsOwn() {
    names.sync(this::barrier, true);
    names.sync(this::barrier, true);
    assertThat(barriers).hasValue(2);
  }
}
