package io.stratafs.protocol.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Turns Netty's leak reports (logged by ResourceLeakDetector, paranoid in tests) into a test
 * failure: a test class with {@code @ExtendWith(LeakCheck.class)} listens for them before its
 * tests and fails after them (after its own {@code @AfterAll}) if any came.
 */
final class LeakCheck implements BeforeAllCallback, AfterAllCallback {
  private final ListAppender<ILoggingEvent> reports = new ListAppender<>();

  @Override
  public void beforeAll(ExtensionContext context) {
    reports.start();
    ((Logger) LoggerFactory.getLogger(ResourceLeakDetector.class)).addAppender(reports);
  }

  /** Collects garbage, then allocates so the detector reports what the collector found. */
  @Override
  public void afterAll(ExtensionContext context) {
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
