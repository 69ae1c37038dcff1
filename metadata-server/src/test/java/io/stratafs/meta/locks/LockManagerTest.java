package io.stratafs.meta.locks;

import static io.stratafs.meta.locks.LockRange.EOF;
import static io.stratafs.meta.locks.LockRange.F_RDLCK;
import static io.stratafs.meta.locks.LockRange.F_UNLCK;
import static io.stratafs.meta.locks.LockRange.F_WRLCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LockManagerTest {
  private static final long INO = 7;
  private static final LockOwner A = new LockOwner(1, 100);
  private static final LockOwner B = new LockOwner(1, 200);
  /** Same kernel owner id as A, other client: a different owner. */
  private static final LockOwner A_ON_OTHER_MOUNT = new LockOwner(2, 100);

  private final Set<Long> dead = ConcurrentHashMap.newKeySet();
  private final LockManager locks = new LockManager(s -> !dead.contains(s));
  /** Blocked requests park, as on the server, on virtual threads of their own. */
  private final ExecutorService waiters = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void stopWaiters() {
    waiters.shutdownNow();
  }

  private static LockManager.Request posix(LockOwner o, long start, long end, int type) {
    return new LockManager.Request(INO, o, start, end, type, (int) o.owner(), false);
  }

  private static LockManager.Request flock(LockOwner o, int type) {
    return new LockManager.Request(INO, o, 0, EOF, type, (int) o.owner(), true);
  }

  private boolean set(LockManager.Request r) {
    return locks.setlk(r, null);
  }

  private List<long[]> ranges(LockOwner o) {
    return locks.held(INO, false).stream()
        .filter(l -> l.owner().equals(o))
        .sorted((x, y) -> Long.compare(x.start(), y.start()))
        .map(l -> new long[] {l.start(), l.end(), l.type()})
        .toList();
  }

  private static long deadlineIn(Duration d) {
    return System.nanoTime() + d.toNanos();
  }

  @Test
  void sameTypeRangesMergeAndUnlockSplits() {
    set(posix(A, 0, 9, F_WRLCK));
    set(posix(A, 10, 19, F_WRLCK)); // adjacent: merges
    set(posix(A, 15, 29, F_WRLCK)); // overlapping: merges
    assertThat(ranges(A)).containsExactly(new long[] {0, 29, F_WRLCK});

    set(posix(A, 10, 14, F_UNLCK)); // a hole in the middle splits it
    assertThat(ranges(A)).containsExactly(new long[] {0, 9, F_WRLCK}, new long[] {15, 29, F_WRLCK});

    set(posix(A, 0, EOF, F_UNLCK));
    assertThat(locks.held(INO, false)).isEmpty();
  }

  @Test
  void changingTypeOfTheMiddleSplitsInThree() {
    set(posix(A, 0, 99, F_WRLCK));
    set(posix(A, 40, 59, F_RDLCK));
    assertThat(ranges(A))
        .containsExactly(new long[] {0, 39, F_WRLCK}, new long[] {40, 59, F_RDLCK}, new long[] {60, 99, F_WRLCK});
    // Another owner may read-lock exactly the downgraded part, not beyond it.
    assertThat(set(posix(B, 40, 59, F_RDLCK))).isTrue();
    assertThatThrownBy(() -> set(posix(B, 39, 40, F_RDLCK)))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.WOULD_BLOCK));
  }

  @Test
  void readLocksShareWriteLocksExclude() {
    assertThat(set(posix(A, 0, 9, F_RDLCK))).isTrue();
    assertThat(set(posix(B, 5, 14, F_RDLCK))).isTrue();
    assertThatThrownBy(() -> set(posix(B, 0, 0, F_WRLCK))).isInstanceOf(StrataException.class);
    // Non-overlapping write locks do not conflict.
    assertThat(set(posix(B, 20, EOF, F_WRLCK))).isTrue();
    assertThat(locks.getlk(posix(A, 0, EOF, F_WRLCK)))
        .hasValueSatisfying(l -> assertThat(l.owner()).isEqualTo(B));
    assertThat(locks.getlk(posix(A, 15, 19, F_WRLCK))).isEmpty();
  }

  @Test
  void anOwnerNeverConflictsWithItselfButTheSameIdOnAnotherMountDoes() {
    set(posix(A, 0, EOF, F_WRLCK));
    assertThat(set(posix(A, 10, 20, F_WRLCK))).isTrue();
    assertThat(set(posix(A, 10, 20, F_RDLCK))).isTrue();
    assertThat(locks.getlk(posix(A, 0, EOF, F_WRLCK))).isEmpty();
    assertThatThrownBy(() -> set(posix(A_ON_OTHER_MOUNT, 0, 0, F_RDLCK)))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.WOULD_BLOCK));
  }

  @Test
  void flockAndPosixLocksAreIndependent() {
    set(flock(A, F_WRLCK));
    assertThat(set(posix(B, 0, EOF, F_WRLCK))).isTrue();
    assertThatThrownBy(() -> set(flock(B, F_RDLCK))).isInstanceOf(StrataException.class);
    locks.unlockOwner(INO, A, false); // A's POSIX locks (none) — its flock stays
    assertThatThrownBy(() -> set(flock(B, F_RDLCK))).isInstanceOf(StrataException.class);
    locks.unlockOwner(INO, A, true);
    assertThat(set(flock(B, F_RDLCK))).isTrue();
    assertThat(locks.held(INO, false)).hasSize(1);
  }

  @Test
  void flockConversionDropsTheOldLockFirstAsLinuxDoes() {
    set(flock(A, F_RDLCK));
    set(flock(B, F_RDLCK));
    // A's upgrade fails against B's shared lock and leaves A with no lock at all.
    assertThatThrownBy(() -> set(flock(A, F_WRLCK))).isInstanceOf(StrataException.class);
    assertThat(locks.held(INO, true)).extracting(LockRange::owner).containsExactly(B);
    // B can now upgrade: no deadlock between two upgrading readers.
    assertThat(set(flock(B, F_WRLCK))).isTrue();
    assertThat(set(flock(B, F_RDLCK))).isTrue(); // downgrade in place
  }

  @Test
  void blockingWaitIsGrantedWhenTheHolderUnlocks() {
    set(posix(A, 0, EOF, F_WRLCK));
    CompletableFuture<Boolean> waiter =
        CompletableFuture.supplyAsync(() -> locks.setlk(posix(B, 5, 5, F_WRLCK), deadlineIn(Duration.ofSeconds(20))), waiters);
    await().atMost(Duration.ofSeconds(10)).until(() -> locks.waiting() == 1);
    assertThat(waiter).isNotDone();
    set(posix(A, 0, 4, F_UNLCK)); // does not free byte 5: still waiting
    assertThat(waiter).isNotDone();
    set(posix(A, 5, 9, F_UNLCK));
    assertThat(waiter).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(true);
    assertThat(ranges(B)).containsExactly(new long[] {5, 5, F_WRLCK});
  }

  @Test
  void blockingWaitAnswersNotYetAtItsBound() {
    set(flock(A, F_WRLCK));
    assertThat(locks.setlk(flock(B, F_WRLCK), deadlineIn(Duration.ofMillis(50)))).isFalse();
    assertThat(locks.waiting()).isZero();
  }

  @Test
  void sessionEndReleasesItsLocksAndWakesWaiters() {
    LockOwner other = new LockOwner(2, 1);
    set(posix(A, 0, EOF, F_WRLCK));
    set(flock(A, F_WRLCK));
    CompletableFuture<Boolean> posixWaiter =
        CompletableFuture.supplyAsync(() -> locks.setlk(posix(other, 0, 0, F_RDLCK), deadlineIn(Duration.ofSeconds(20))), waiters);
    CompletableFuture<Boolean> flockWaiter =
        CompletableFuture.supplyAsync(() -> locks.setlk(flock(other, F_RDLCK), deadlineIn(Duration.ofSeconds(20))), waiters);
    await().atMost(Duration.ofSeconds(10)).until(() -> locks.waiting() == 2);

    dead.add(A.session());
    locks.releaseSession(A.session());

    assertThat(posixWaiter).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(true);
    assertThat(flockWaiter).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(true);
    assertThat(locks.held(INO, false)).extracting(LockRange::owner).containsOnly(other);
  }

  @Test
  void waitersOfAnEndedSessionFailAndItCannotLockAgain() {
    set(posix(A_ON_OTHER_MOUNT, 0, EOF, F_WRLCK));
    CompletableFuture<Boolean> waiter =
        CompletableFuture.supplyAsync(() -> locks.setlk(posix(A, 0, 0, F_WRLCK), deadlineIn(Duration.ofSeconds(20))), waiters);
    await().atMost(Duration.ofSeconds(10)).until(() -> locks.waiting() == 1);
    dead.add(A.session());
    locks.releaseSession(A.session());
    assertThat(waiter)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.SESSION_EXPIRED));
    assertThatThrownBy(() -> set(posix(A, 100, 100, F_RDLCK)))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.SESSION_EXPIRED));
  }

  @Test
  void cancelEndsAWaitWithInterrupted() {
    set(posix(A, 0, EOF, F_WRLCK));
    CompletableFuture<Boolean> waiter =
        CompletableFuture.supplyAsync(() -> locks.setlk(posix(B, 0, 0, F_WRLCK), deadlineIn(Duration.ofSeconds(20))), waiters);
    await().atMost(Duration.ofSeconds(10)).until(() -> locks.waiting() == 1);
    assertThat(locks.cancelWait(INO, B, false)).isEqualTo(1);
    assertThat(waiter)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.INTERRUPTED));
    assertThat(ranges(B)).isEmpty();
  }

  @Test
  void aTwoOwnerCycleIsRefusedWithDeadlock() throws Exception {
    set(posix(A, 0, 0, F_WRLCK));
    set(posix(B, 1, 1, F_WRLCK));
    CompletableFuture<Boolean> aWaits =
        CompletableFuture.supplyAsync(() -> locks.setlk(posix(A, 1, 1, F_WRLCK), deadlineIn(Duration.ofSeconds(20))), waiters);
    await().atMost(Duration.ofSeconds(10)).until(() -> locks.waiting() == 1);
    assertThatThrownBy(() -> locks.setlk(posix(B, 0, 0, F_WRLCK), deadlineIn(Duration.ofSeconds(20))))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.DEADLOCK));
    // B backs off; A gets its lock.
    set(posix(B, 0, EOF, F_UNLCK));
    assertThat(aWaits.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void invalidRangesAndTypesAreRefused() {
    assertThatThrownBy(() -> posix(A, 10, 9, F_WRLCK))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> posix(A, 0, 9, 7))
        .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.INVALID_ARGUMENT));
  }

  @Test
  void clearDropsEverything() {
    set(posix(A, 0, 9, F_WRLCK));
    set(flock(B, F_RDLCK));
    locks.clear();
    assertThat(locks.held(INO, false)).isEmpty();
    assertThat(locks.held(INO, true)).isEmpty();
    assertThat(set(posix(B, 0, EOF, F_WRLCK))).isTrue();
  }
}
