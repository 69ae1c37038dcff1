package io.stratafs.fuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The budget's bookkeeping alone: reports replace each other, reservations bound concurrent writes. */
@Timeout(10)
class WriteBudgetTest {
  private static FileWriter writer(WriteBudget budget) {
    // Never flushes here: only its identity matters to the budget.
    return new FileWriter(1, null, 1 << 20, StrataVfsConfig.DEFAULT_MTIME_GRANULARITY, new AtomicLong(), budget);
  }

  @Test
  void theTotalIsTheSumOfEachWritersLastReport() {
    WriteBudget budget = new WriteBudget(1_000, Duration.ofSeconds(1));
    FileWriter a = writer(budget);
    FileWriter b = writer(budget);
    budget.report(a, 300);
    budget.report(b, 200);
    budget.report(a, 100); // a flushed part of its bytes
    assertThat(budget.totalBytes()).isEqualTo(300);
    assertThat(budget.largest()).isSameAs(b);
    assertThat(budget.peakBytes()).isEqualTo(500);

    budget.report(a, 0);
    budget.report(b, 0);
    budget.report(b, 0); // reporting nothing twice changes nothing
    assertThat(budget.totalBytes()).isZero();
    assertThat(budget.writers()).isZero();
    assertThat(budget.largest()).isNull();
  }

  @Test
  void reservationsCountUntilTheWriteIsReported() {
    WriteBudget budget = new WriteBudget(1_000, Duration.ofSeconds(1));
    FileWriter a = writer(budget);
    assertThat(budget.tryReserve(600)).isTrue();
    assertThat(budget.tryReserve(600)).isFalse(); // the first write is not buffered yet
    budget.report(a, 600, 600);
    assertThat(budget.tryReserve(400)).isTrue();
    assertThat(budget.tryReserve(1)).isFalse();
    budget.report(a, 1_000, 400);
    assertThat(budget.totalBytes()).isEqualTo(1_000);
  }

  @Test
  void aWriteLargerThanTheBudgetNeedsItEmpty() {
    WriteBudget budget = new WriteBudget(1_000, Duration.ofSeconds(1));
    FileWriter a = writer(budget);
    budget.report(a, 1);
    assertThat(budget.tryReserve(5_000)).isFalse();
    budget.report(a, 0);
    assertThat(budget.tryReserve(5_000)).isTrue();
    budget.report(a, 5_000, 5_000);
    assertThat(budget.totalBytes()).isEqualTo(5_000);
    assertThat(budget.tryReserve(1)).isFalse();
  }
}
