package io.stratafs.fuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.protocol.meta.Attr;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DirAttrCacheTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final DirAttrCache cache = new DirAttrCache(Duration.ofSeconds(1), now::get);

  private static Attr dir(long ino, long ctimeNs, int nlink) {
    return Attr.newBuilder().setIno(ino).setCtimeNs(ctimeNs).setMtimeNs(ctimeNs).setNlink(nlink).build();
  }

  @Test
  void answersOnceWithinTheTimeout() {
    cache.changed(7, dir(7, 100, 2));
    assertThat(cache.take(7)).isEqualTo(dir(7, 100, 2));
    assertThat(cache.take(7)).isNull(); // the kernel caches the answer itself from here
  }

  @Test
  void anAnswerOlderThanTheTimeoutIsNotGiven() {
    cache.changed(7, dir(7, 100, 2));
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(cache.take(7)).isNull();
  }

  @Test
  void racingRepliesKeepTheLaterState() {
    cache.changed(7, dir(7, 200, 3));
    cache.changed(7, dir(7, 100, 2)); // the earlier change's reply arrived last
    assertThat(cache.take(7)).isEqualTo(dir(7, 200, 3));
  }

  @Test
  void forgottenAfterChangesWhoseResultIsUnknownHere() {
    cache.changed(7, dir(7, 100, 2));
    cache.changed(8, dir(8, 100, 2));
    cache.forget(7);
    assertThat(cache.take(7)).isNull();
    cache.forgetAll();
    assertThat(cache.take(8)).isNull();
  }

  @Test
  void aZeroTimeoutKeepsNothing() {
    DirAttrCache off = new DirAttrCache(Duration.ZERO, now::get);
    off.changed(7, dir(7, 100, 2));
    assertThat(off.take(7)).isNull();
  }

  @Test
  void unaskedEntriesArePrunedOnceStale() {
    for (long ino = 1; ino <= 4096; ino++) {
      cache.changed(ino, dir(ino, 1, 2));
    }
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    cache.changed(5000, dir(5000, 1, 2)); // over the prune size: the stale ones go
    assertThat(cache.take(1)).isNull();
    assertThat(cache.take(5000)).isEqualTo(dir(5000, 1, 2));
  }
}
