package io.stratafs.fuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.stratafs.protocol.meta.Attr;
import io.stratafs.protocol.meta.DirEntry;
import io.stratafs.protocol.meta.LookupReply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StatAheadTest {
  private static final long DIR = 7;
  private static final VfsContext ALICE = new VfsContext(1000, 1000, 42, new int[] {1000});
  private static final VfsContext BOB = new VfsContext(1001, 1001, 43, new int[] {1001});

  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final AtomicLong changes = new AtomicLong();
  private final StatAhead ahead = new StatAhead(256, Duration.ofSeconds(1), now::get, changes::get);

  private static byte[] name(int i) {
    return String.format("f%04d", i).getBytes(StandardCharsets.UTF_8);
  }

  private static Attr attr(int i) {
    return Attr.newBuilder().setIno(100 + i).setMode(0100644).setSize(i).build();
  }

  /** What the server sends ahead of name(from): the next n names. */
  private static LookupReply replyAfter(int from, int n) {
    LookupReply.Builder r = LookupReply.newBuilder().setAttr(attr(from));
    for (int i = from + 1; i <= from + n; i++) {
      r.addFollowing(DirEntry.newBuilder().setName(ByteString.copyFrom(name(i))).setIno(100 + i).setAttr(attr(i)));
    }
    return r.build();
  }

  /** One lookup as StrataVfs makes it: a window's answer, or a server lookup asking ahead. */
  private int lookup(VfsContext who, int i) {
    if (ahead.answer(who, DIR, name(i)) != null) {
      return -1;
    }
    int asked = ahead.aheadFor(DIR, name(i));
    if (asked > 0) {
      ahead.fetched(who, DIR, changes.get(), now.get(), replyAfter(i, asked));
    }
    return asked;
  }

  @Test
  void theSecondLookupOfAScanAsksAheadAndTheWindowAnswersTheNextNamesWithTheirAge() {
    assertThat(ahead.aheadFor(DIR, name(0))).isZero(); // one lookup is not a scan yet
    assertThat(ahead.aheadFor(DIR, name(1))).isEqualTo(StatAhead.FIRST_WINDOW);
    ahead.fetched(ALICE, DIR, changes.get(), now.get(), replyAfter(1, StatAhead.FIRST_WINDOW));

    now.addAndGet(300_000_000L);
    StatAhead.Hit hit = ahead.answer(ALICE, DIR, name(2));
    assertThat(hit.attr()).isEqualTo(attr(2));
    assertThat(hit.ageNanos()).isEqualTo(300_000_000L);
    assertThat(ahead.answer(ALICE, DIR, name(StatAhead.FIRST_WINDOW + 2))).isNull(); // past the window
    assertThat(ahead.answer(ALICE, DIR, "g".getBytes(StandardCharsets.UTF_8))).isNull(); // never "no such name"
  }

  @Test
  void aWindowUsedUpDoublesTheNextUpToTheLimit() {
    int i = 0;
    lookup(ALICE, i++);
    int served = 0;
    int last = 0;
    while (i < 2000) {
      int asked = lookup(ALICE, i++);
      if (asked > 0) {
        assertThat(asked).isGreaterThanOrEqualTo(last);
        last = asked;
      } else if (asked < 0) {
        served++;
      }
    }
    assertThat(last).isEqualTo(256);
    // 32 + 64 + 128 + 256... : all but a handful of the 2000 lookups came from windows
    assertThat(served).isGreaterThan(1980);
  }

  @Test
  void anyChangeOfThisMountEndsTheWindowsFetchedBeforeIt() {
    lookup(ALICE, 0);
    lookup(ALICE, 1);
    assertThat(ahead.answer(ALICE, DIR, name(2))).isNotNull();
    changes.incrementAndGet(); // sent, not yet answered: a window from before may already be stale
    assertThat(ahead.answer(ALICE, DIR, name(3))).isNull();
  }

  @Test
  void aWindowFetchedWhileAChangeRanIsNotKept() {
    lookup(ALICE, 0);
    long before = changes.get();
    assertThat(ahead.aheadFor(DIR, name(1))).isPositive();
    changes.addAndGet(2); // a change was sent and answered while the lookup was out
    ahead.fetched(ALICE, DIR, before, now.get(), replyAfter(1, 32));
    assertThat(ahead.answer(ALICE, DIR, name(2))).isNull();
  }

  @Test
  void aWindowEndsWhenTheKernelWouldHaveDroppedItsAnswer() {
    lookup(ALICE, 0);
    lookup(ALICE, 1);
    now.addAndGet(Duration.ofSeconds(1).toNanos() - 1);
    assertThat(ahead.answer(ALICE, DIR, name(2))).isNotNull();
    now.addAndGet(1);
    assertThat(ahead.answer(ALICE, DIR, name(3))).isNull();
  }

  @Test
  void aWindowAnswersOnlyTheIdentityThatFetchedIt() {
    lookup(ALICE, 0);
    lookup(ALICE, 1);
    assertThat(ahead.answer(BOB, DIR, name(2))).isNull();
    assertThat(ahead.answer(new VfsContext(1000, 1000, 99, new int[] {1000}), DIR, name(2))).isNotNull(); // another pid
  }

  @Test
  void lookupsThatAreNotAScanAskForNothing() {
    assertThat(ahead.aheadFor(DIR, name(5))).isZero();
    assertThat(ahead.aheadFor(DIR, name(3))).isZero(); // backwards
    assertThat(ahead.aheadFor(DIR, name(3))).isZero(); // the same name again
    assertThat(ahead.aheadFor(DIR, "..".getBytes(StandardCharsets.UTF_8))).isZero();
  }

  @Test
  void aWalkInterleavedWithThisMountsChangesAsksForNothing() {
    for (int i = 0; i < 10; i++) {
      assertThat(ahead.aheadFor(DIR, name(i))).isZero();
      changes.addAndGet(2); // unlink of name(i), as rm does after each lookup
    }
  }

  @Test
  void aSparseScanThatSkipsMostOfAWindowStopsAskingAndStartsSmallAgain() {
    lookup(ALICE, 0);
    assertThat(lookup(ALICE, 1)).isEqualTo(StatAhead.FIRST_WINDOW);
    assertThat(lookup(ALICE, 1000)).isZero(); // nothing of the window was used
    assertThat(lookup(ALICE, 2000)).isEqualTo(StatAhead.FIRST_WINDOW);
  }

  @Test
  void offWithoutEntriesOrWithoutATimeout() {
    for (StatAhead off :
        new StatAhead[] {
          new StatAhead(0, Duration.ofSeconds(1), now::get, changes::get),
          new StatAhead(256, Duration.ZERO, now::get, changes::get)
        }) {
      off.aheadFor(DIR, name(0));
      assertThat(off.aheadFor(DIR, name(1))).isZero();
      off.fetched(ALICE, DIR, changes.get(), now.get(), replyAfter(1, 8));
      assertThat(off.answer(ALICE, DIR, name(2))).isNull();
    }
  }

  @Test
  void memoryIsBoundedToTheMostRecentDirectories() {
    for (long dir = 1; dir <= StatAhead.DIRECTORIES + 1; dir++) {
      ahead.aheadFor(dir, name(0));
      ahead.aheadFor(dir, name(1));
      ahead.fetched(ALICE, dir, changes.get(), now.get(), replyAfter(1, 8));
    }
    assertThat(ahead.answer(ALICE, 1, name(2))).isNull(); // the eldest went
    assertThat(ahead.answer(ALICE, StatAhead.DIRECTORIES + 1, name(2))).isNotNull();
  }
}
