package io.stratafs.meta.journal;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvStore;
import io.stratafs.meta.kv.OverlayReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Journal} with one ordered writer thread that group-commits: it takes every queued
 * mutation, runs them one after another (each sees the earlier ones), writes their combined batch
 * with one synced write, and then acknowledges all of them. A group made only of mutations that
 * do not {@link Mutation#needsSync need a sync} is written without one and acknowledged at once;
 * the WAL keeps it ahead of every later group, and a {@link WalSyncer} makes it durable about one
 * device flush later (ADR 032). {@link #submitAsync} callers are completed on the writer thread.
 * Running prepare and apply on the writer thread serializes mutations, so there are no lost
 * updates and no per-inode locks.
 */
public final class GroupCommitJournal implements Journal {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitJournal.class);
  private static final int MAX_GROUP = 512;

  private record Pending(Mutation<?> mutation, CompletableFuture<Object> done) {}

  private record PutListener(Cf cf, Runnable listener) {}

  private final KvStore store;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private final AtomicLong syncs = new AtomicLong();
  private final WalSyncer walSyncer;
  private final List<PutListener> putListeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  public GroupCommitJournal(String name, KvStore store) {
    this.store = store;
    this.walSyncer = new WalSyncer(name, store);
    this.writer = Thread.ofPlatform().name("journal-writer-" + name).daemon().unstarted(this::loop);
    writer.start();
  }

  @Override
  public <T> T submit(Mutation<T> mutation) {
    if (Thread.currentThread() == writer) {
      throw new IllegalStateException("nested journal submit from the writer thread");
    }
    try {
      return submitAsync(mutation).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> submitAsync(Mutation<T> mutation) {
    CompletableFuture<Object> done = new CompletableFuture<>();
    if (closed) {
      throw StrataException.of(StatusCode.UNAVAILABLE, "metadata journal is closed");
    }
    queue.add(new Pending(mutation, done));
    if (closed) {
      failPending();
    }
    return (CompletableFuture<T>) (CompletableFuture<?>) done;
  }

  @Override
  public void awaitDurable() {
    walSyncer.awaitDurable();
  }

  @Override
  public void afterPutsInto(Cf cf, Runnable listener) {
    putListeners.add(new PutListener(cf, listener));
  }

  /** Synced writes so far: fewer than mutations when groups formed. */
  public long syncCount() {
    return syncs.get();
  }

  /** Background syncs of unsynced groups so far. */
  public long backgroundSyncCount() {
    return walSyncer.syncCount();
  }

  private void loop() {
    List<Pending> group = new ArrayList<>();
    while (!closed) {
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        break;
      }
      queue.drainTo(group, MAX_GROUP - 1);
      commitGroup(group);
      group.clear();
    }
    failPending();
  }

  private void commitGroup(List<Pending> group) {
    OverlayReader groupTx = new OverlayReader(store);
    List<Pending> ok = new ArrayList<>(group.size());
    List<Object> results = new ArrayList<>(group.size());
    // A refusal may rest on an earlier mutation of this group (EEXIST after its create), so it is
    // answered only once that group is durable, like the successes.
    List<Pending> refused = new ArrayList<>();
    List<Throwable> refusals = new ArrayList<>();
    boolean sync = false;
    for (Pending p : group) {
      OverlayReader tx = new OverlayReader(groupTx);
      try {
        Object r = p.mutation().run(tx);
        groupTx.absorb(tx);
        ok.add(p);
        results.add(r);
        sync |= p.mutation().needsSync();
      } catch (Throwable t) {
        if (!(t instanceof StrataException)) {
          LOG.error("mutation failed unexpectedly", t);
        }
        refused.add(p);
        refusals.add(t);
      }
    }
    try {
      if (!groupTx.batch().isEmpty()) {
        store.write(groupTx.batch(), sync);
        if (sync) {
          syncs.incrementAndGet();
        }
        walSyncer.wrote(sync);
      }
    } catch (Throwable t) {
      LOG.error("journal commit of {} mutations failed", ok.size(), t);
      ok.forEach(p -> p.done().completeExceptionally(t));
      refused.forEach(p -> p.done().completeExceptionally(t));
      return;
    }
    notifyPutListeners(groupTx);
    for (int i = 0; i < ok.size(); i++) {
      ok.get(i).done().complete(results.get(i));
    }
    for (int i = 0; i < refused.size(); i++) {
      refused.get(i).done().completeExceptionally(refusals.get(i));
    }
  }

  private void notifyPutListeners(OverlayReader committed) {
    for (PutListener l : putListeners) {
      if (committed.putInto(l.cf())) {
        try {
          l.listener().run();
        } catch (RuntimeException e) {
          LOG.error("a listener for puts into {} failed", l.cf(), e);
        }
      }
    }
  }

  private void failPending() {
    Pending p;
    while ((p = queue.poll()) != null) {
      p.done().completeExceptionally(
          StrataException.of(StatusCode.UNAVAILABLE, "metadata journal closed; retry on the leader"));
    }
  }

  @Override
  public void close() {
    closed = true;
    writer.interrupt();
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failPending();
    walSyncer.close();
  }
}
