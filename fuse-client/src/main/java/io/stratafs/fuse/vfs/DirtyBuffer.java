package io.stratafs.fuse.vfs;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Written-but-not-flushed bytes of one file: non-overlapping extents keyed by file offset. A new
 * write replaces whatever it overlaps (older extents are trimmed as views, never copied again),
 * so the buffer always holds the newest bytes of every offset. Adjacent extents are coalesced into
 * one {@link Run} per chunk when flushing, so many small sequential writes become one RPC.
 *
 * <p>The byte arrays of extents are never modified after a write copied them in, which lets a
 * flush send them without copying while new writes go on. Not thread-safe: {@link FileWriter}
 * guards it.
 */
final class DirtyBuffer {
  /** Bytes [from, from + length) of {@code bytes} stand for file bytes [offset, offset + length). */
  record Extent(long offset, byte[] bytes, int from, int length) {
    long end() {
      return offset + length;
    }

    /** The part of this extent covering file range [start, end) (which must lie inside it). */
    Extent slice(long start, long end) {
      return new Extent(start, bytes, from + (int) (start - offset), (int) (end - start));
    }

    ByteBuffer asByteBuffer() {
      return ByteBuffer.wrap(bytes, from, length).slice();
    }
  }

  /** Consecutive bytes inside one chunk, made of adjacent extents in order: one WriteChunk. */
  record Run(long chunkIndex, long offsetInChunk, long fileOffset, List<Extent> parts, int length) {}

  private final TreeMap<Long, Extent> extents = new TreeMap<>();
  private long bytes;

  /** Copies {@code src}'s remaining bytes (without moving its position) to file offset {@code offset}. */
  void write(long offset, ByteBuffer src) {
    int n = src.remaining();
    if (n == 0) {
      return;
    }
    byte[] copy = new byte[n];
    src.duplicate().get(copy);
    put(new Extent(offset, copy, 0, n));
  }

  /** Places {@code e} over whatever it overlaps. Used for new writes and to re-stack buffers. */
  void put(Extent e) {
    long start = e.offset();
    long end = e.end();
    Map.Entry<Long, Extent> lower = extents.lowerEntry(start);
    if (lower != null && lower.getValue().end() > start) {
      Extent x = lower.getValue();
      remove(x);
      add(x.slice(x.offset(), start));
      if (x.end() > end) {
        add(x.slice(end, x.end()));
      }
    }
    for (Extent x : new ArrayList<>(extents.subMap(start, true, end, false).values())) {
      remove(x);
      if (x.end() > end) {
        add(x.slice(end, x.end()));
      }
    }
    add(e);
  }

  private void add(Extent e) {
    if (e.length() > 0) {
      extents.put(e.offset(), e);
      bytes += e.length();
    }
  }

  private void remove(Extent e) {
    extents.remove(e.offset());
    bytes -= e.length();
  }

  /** Drops everything at or past {@code size}. */
  void truncate(long size) {
    Map.Entry<Long, Extent> lower = extents.lowerEntry(size);
    if (lower != null && lower.getValue().end() > size) {
      Extent x = lower.getValue();
      remove(x);
      add(x.slice(x.offset(), size));
    }
    for (Extent x : new ArrayList<>(extents.tailMap(size, true).values())) {
      remove(x);
    }
  }

  /** Buffered bytes (each offset counted once). */
  long bytes() {
    return bytes;
  }

  boolean isEmpty() {
    return extents.isEmpty();
  }

  /** One past the last buffered byte, or 0 when empty. */
  long end() {
    return extents.isEmpty() ? 0 : extents.lastEntry().getValue().end();
  }

  /** All extents in offset order. */
  List<Extent> extents() {
    return new ArrayList<>(extents.values());
  }

  /** The extents (clipped) that overlap [offset, offset + length), in offset order. */
  List<Extent> overlapping(long offset, long length) {
    long end = offset + length;
    List<Extent> out = new ArrayList<>();
    Map.Entry<Long, Extent> lower = extents.lowerEntry(offset);
    if (lower != null && lower.getValue().end() > offset) {
      Extent x = lower.getValue();
      out.add(x.slice(offset, Math.min(end, x.end())));
    }
    for (Extent x : extents.subMap(offset, true, end, false).values()) {
      out.add(x.end() > end ? x.slice(x.offset(), end) : x);
    }
    return out;
  }

  /**
   * Copies {@code extents} over {@code dst}, whose position stands for file offset {@code
   * offset} and whose remaining bytes are the range to fill. The position does not move.
   */
  static void overlay(List<Extent> extents, long offset, ByteBuffer dst) {
    long end = offset + dst.remaining();
    for (Extent x : extents) {
      long s = Math.max(x.offset(), offset);
      long e = Math.min(x.end(), end);
      if (s >= e) {
        continue;
      }
      ByteBuffer target = dst.duplicate();
      target.position(dst.position() + (int) (s - offset));
      target.put(x.bytes(), x.from() + (int) (s - x.offset()), (int) (e - s));
    }
  }

  /** Whether {@code extents} (in any order, possibly overlapping) cover all of [start, end). */
  static boolean covers(List<Extent> extents, long start, long end) {
    List<Extent> sorted = new ArrayList<>(extents);
    sorted.sort(Comparator.comparingLong(Extent::offset));
    long reached = start;
    for (Extent x : sorted) {
      if (x.offset() > reached) {
        break;
      }
      reached = Math.max(reached, x.end());
      if (reached >= end) {
        return true;
      }
    }
    return reached >= end;
  }

  /**
   * The buffer as runs of adjacent bytes, split at chunk boundaries and at {@code maxRunBytes}
   * (the largest single WriteChunk), in file order.
   */
  List<Run> runs(long chunkSize, int maxRunBytes) {
    List<Run> runs = new ArrayList<>();
    List<Extent> parts = new ArrayList<>();
    long runStart = -1;
    long runEnd = -1;
    for (Extent x : extents.values()) {
      for (ChunkRanges.Slice s : ChunkRanges.split(x.offset(), x.length(), chunkSize)) {
        long pos = s.fileOffset();
        long sliceEnd = pos + s.length();
        while (pos < sliceEnd) {
          boolean continues =
              runStart >= 0
                  && pos == runEnd
                  && pos / chunkSize == runStart / chunkSize
                  && runEnd - runStart < maxRunBytes;
          if (!continues) {
            if (runStart >= 0) {
              runs.add(toRun(runStart, runEnd, parts, chunkSize));
            }
            parts = new ArrayList<>();
            runStart = pos;
            runEnd = pos;
          }
          long take = Math.min(sliceEnd - pos, maxRunBytes - (runEnd - runStart));
          parts.add(x.slice(pos, pos + take));
          runEnd = pos + take;
          pos += take;
        }
      }
    }
    if (runStart >= 0) {
      runs.add(toRun(runStart, runEnd, parts, chunkSize));
    }
    return runs;
  }

  private static Run toRun(long start, long end, List<Extent> parts, long chunkSize) {
    long index = start / chunkSize;
    return new Run(index, start - index * chunkSize, start, parts, (int) (end - start));
  }
}
