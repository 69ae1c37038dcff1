package io.stratafs.fuse.vfs;

import io.stratafs.protocol.meta.Attr;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this client knows about one open inode, shared by all its handles: the size last reported
 * by the server, the write buffer (so reads through any handle see writes through any other), and
 * a generation that every data change bumps so read-ahead drops stale prefetched bytes.
 * Thread-safe.
 */
final class OpenFile {
  final long ino;
  final FileWriter writer;
  private final AtomicLong serverSize;
  private final AtomicLong generation = new AtomicLong();
  /** Whether an fsync through this open has synced every chunk of the file (WholeFileSync). */
  private volatile boolean wholeFileSynced;

  OpenFile(long ino, long serverSize, IoServices io, long writeBufferBytes, Duration mtimeGranularity, WriteBudget budget) {
    this.ino = ino;
    this.serverSize = new AtomicLong(serverSize);
    this.writer = new FileWriter(ino, io, writeBufferBytes, mtimeGranularity, this.serverSize, budget);
  }

  /** The file size as this client sees it: the server's, extended by buffered writes. */
  long size() {
    return Math.max(serverSize.get(), writer.end());
  }

  /**
   * Records the size from attributes fetched by a lookup, getattr or open. Only ever grows it: a
   * reply that raced with our own flush's commit may be older than what we committed.
   */
  void observe(Attr attr) {
    serverSize.accumulateAndGet(attr.getSize(), Math::max);
  }

  /** Records the size the server set on our own truncate (setattr size), which may shrink it. */
  void truncated(long size) {
    serverSize.set(size);
  }

  /** Attributes with the size this client sees (buffered writes may extend the file). */
  Attr overlay(Attr attr) {
    long size = Math.max(attr.getSize(), writer.end());
    return size == attr.getSize() ? attr : attr.toBuilder().setSize(size).build();
  }

  long generation() {
    return generation.get();
  }

  /** Called after the file's bytes changed (write, truncate): invalidates read-ahead. */
  void dataChanged() {
    generation.incrementAndGet();
  }

  boolean wholeFileSynced() {
    return wholeFileSynced;
  }

  void markWholeFileSynced() {
    wholeFileSynced = true;
  }
}
