package io.stratafs.cli.daemon;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a started daemon in the foreground: SIGTERM or SIGINT (through a JVM shutdown hook) closes
 * it, cleanly, exactly once, and the process exits once it is closed. Daemons that can end by
 * themselves (a mount unmounted from outside) close through {@link #stop()} as well.
 */
final class Foreground {
  private static final Logger LOG = LoggerFactory.getLogger(Foreground.class);

  private final String name;
  private final AutoCloseable daemon;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);

  Foreground(String name, AutoCloseable daemon) {
    this.name = name;
    this.daemon = daemon;
    Thread hook = new Thread(this::stop, name + "-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Blocks until a signal (or {@link #stop()}) has closed the daemon. */
  void awaitStopped() throws InterruptedException {
    done.await();
  }

  void stop() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("{} stopping", name);
    try {
      daemon.close();
      LOG.info("{} stopped", name);
    } catch (Exception e) {
      LOG.error("{} failed to stop cleanly", name, e);
    } finally {
      done.countDown();
    }
  }
}
