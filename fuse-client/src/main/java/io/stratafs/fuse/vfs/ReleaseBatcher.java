package io.stratafs.fuse.vfs;

import io.stratafs.common.StrataException;
import io.stratafs.fuse.client.MetaClient;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.EmptyReply;
import io.stratafs.protocol.meta.ReleaseRequest;
import io.stratafs.protocol.rpc.Methods;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the metadata server about closes a few milliseconds late, many in one call. The kernel
 * sends RELEASE after close(2) has returned and nobody waits for its answer; one call and one
 * journal mutation per close was a third of what a create cost the server. Opens are counted per
 * session and inode on the server, so a late release never undoes a later open; an unlink that
 * comes first makes the file an orphan, which the release then deletes. Closes not yet sent when
 * the session ends are released by the server with the session. Thread-safe.
 */
final class ReleaseBatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReleaseBatcher.class);
  static final long DELAY_MS = 5;
  static final int MAX_BATCH = 256;

  private final MetaClient meta;
  private final ScheduledExecutorService sender =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "strata-release");
            t.setDaemon(true);
            return t;
          });
  private List<Long> pending = new ArrayList<>(); // guarded by this
  private boolean scheduled; // guarded by this

  ReleaseBatcher(MetaClient meta) {
    this.meta = meta;
  }

  /** Queues the release of one open of {@code ino}. */
  void add(long ino) {
    boolean now;
    boolean schedule = false;
    synchronized (this) {
      pending.add(ino);
      now = pending.size() >= MAX_BATCH;
      if (!now && !scheduled) {
        scheduled = schedule = true;
      }
    }
    try {
      if (now) {
        sender.execute(this::send);
      } else if (schedule) {
        sender.schedule(this::send, DELAY_MS, TimeUnit.MILLISECONDS);
      }
    } catch (RejectedExecutionException e) {
      send(); // closing: send here rather than never
    }
  }

  private void send() {
    List<Long> batch;
    synchronized (this) {
      batch = pending;
      pending = new ArrayList<>();
      scheduled = false;
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      meta.call(
          Methods.META_RELEASE,
          sid ->
              ReleaseRequest.newBuilder()
                  .setCaller(Caller.newBuilder().setSessionId(sid))
                  .setIno(batch.get(0))
                  .addAllMoreInos(batch.subList(1, batch.size()))
                  .build(),
          EmptyReply.parser());
    } catch (StrataException e) {
      // The server still counts these opens; it releases them when this session ends.
      log.warn("{} closes could not be reported to the metadata server ({}); they are released with the session",
          batch.size(), e.toString());
    }
  }

  /** Sends what is queued, then stops. */
  @Override
  public void close() {
    sender.shutdown();
    try {
      sender.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    send();
  }
}
