package io.stratafs.protocol.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.slf4j.LoggerFactory;

/**
 * Turns Netty's leak reports (logged by ResourceLeakDetector, paranoid in tests) into a test
 * failure: install before the tests, assert after them.
 */
final class LeakCheck {
  private final ListAppender<ILoggingEvent> reports = new ListAppender<>();

  static LeakCheck install() {
    LeakCheck check = new LeakCheck();
    check.reports.start();
    ((Logger) LoggerFactory.getLogger(ResourceLeakDetector.class)).addAppender(check.reports);
    return check;
  }

  /** Collects garbage, then allocates so the detector reports what the collector found. */
  void assertNoLeaks() {
    for (int round = 0; round < 3; round++) {
      System.gc();
      for (ByteBufAllocator alloc :
          new ByteBufAllocator[] {PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT}) {
        for (int i = 0; i < 50; i++) {
          alloc.directBuffer(64).release();
          alloc.heapBuffer(64).release();
        }
      }
    }
    ((Logger) LoggerFactory.getLogger(ResourceLeakDetector.class)).detachAppender(reports);
    assertThat(reports.list).extracting(ILoggingEvent::getFormattedMessage).isEmpty();
  }
}
