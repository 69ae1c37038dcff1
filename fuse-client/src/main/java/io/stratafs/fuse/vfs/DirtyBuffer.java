package io.stratafs.fuse.vfs;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
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
 * <p>The bytes live off the heap (ADR 028): a write copies the kernel's bytes once, into direct
 * memory the RPC layer hands to the socket as it is, so a flush copies nothing more and the
 * collector never sees the data. Buffers are reference-counted: every extent in the map owns one
 * reference to its buffer, a trimmed piece takes its own, and whoever takes extents or a run's
 * bytes out ({@link #retainedOverlapping}, {@link Run#retainedBytes}) gets references of its own,
 * so a reader or an RPC in flight keeps the bytes alive after the buffer let them go. They are
 * not pooled: a buffer released too early fails every later access instead of showing another
 * write's bytes.
 *
 * <p>The bytes of an extent are never modified after a write copied them in, which lets a flush
 * send them while new writes go on. Not thread-safe: {@link FileWriter} guards it.
 */
final class DirtyBuffer {
  /** Unpooled direct memory: allocation costs about what the copy into it does (see class doc). */
  static final UnpooledByteBufAllocator DIRECT = new UnpooledByteBufAllocator(true);

  /** Direct memory the mount's write buffers hold now, including bytes a send or read still uses. */
  static long directBytesHeld() {
    return DIRECT.metric().usedDirectMemory();
  }

  /**
   * Bytes [from, from + length) of {@code buf} stand for file bytes [offset, offset + length).
   * Extents share buffers; who owns a reference is said where extents are handed out.
   */
  record Extent(long offset, ByteBuf buf, int from, int length) {
    long end() {
      return offset + length;
    }

    /** The part of this extent covering file range [start, end) (which must lie inside it), same buffer. */
    Extent slice(long start, long end) {
      return new Extent(start, buf, from + (int) (start - offset), (int) (end - start));
    }

    Extent retain() {
      buf.retain();
      return this;
    }

    void release() {
      buf.release();
    }

    /** Copies this extent's bytes of file range [start, end) (inside it) to {@code dst}'s position on. */
    void copyTo(long start, long end, ByteBuffer dst) {
      ByteBuffer target = dst.duplicate();
      target.limit(target.position() + (int) (end - start));
      buf.getBytes(from + (int) (start - offset), target);
    }
  }

  /** Consecutive bytes inside one chunk, made of adjacent extents in order: one WriteChunk. */
  record Run(long chunkIndex, long offsetInChunk, long fileOffset, List<Extent> parts, int length) {
    /**
     * The run's bytes as one buffer over the extents' memory, without copying, holding references
     * of its own: whoever takes it releases it (the RPC layer does once the bytes are sent).
     */
    ByteBuf retainedBytes() {
      ByteBuf[] pieces = new ByteBuf[parts.size()];
      for (int i = 0; i < pieces.length; i++) {
        Extent x = parts.get(i);
        pieces[i] = x.buf().retainedSlice(x.from(), x.length());
      }
      return Unpooled.wrappedBuffer(pieces);
    }
  }

  private final ByteBufAllocator memory;
  private final TreeMap<Long, Extent> extents = new TreeMap<>();
  private long bytes;

  DirtyBuffer() {
    this(DIRECT);
  }

  /** With the allocator of a test that counts what is allocated and released. */
  DirtyBuffer(ByteBufAllocator memory) {
    this.memory = memory;
  }

  /**
   * Copies {@code src}'s remaining bytes (without moving its position) to file offset {@code offset}.
   *
   * @throws StrataException OUT_OF_MEMORY when the direct memory for the copy cannot be had
   */
  void write(long offset, ByteBuffer src) {
    int n = src.remaining();
    if (n == 0) {
      return;
    }
    ByteBuf copy;
    try {
      copy = memory.directBuffer(n, n);
    } catch (OutOfMemoryError e) {
      throw new StrataException(
          StatusCode.OUT_OF_MEMORY,
          "no direct memory for a " + n + "-byte write buffer (" + e.getMessage() + "); the mount's --write-budget"
              + " must fit well inside the JVM's -XX:MaxDirectMemorySize",
          e);
    }
    copy.writeBytes(src.duplicate());
    put(new Extent(offset, copy, 0, n));
  }

  /** Places {@code e} over whatever it overlaps, taking over its reference. */
  private void put(Extent e) {
    long start = e.offset();
    long end = e.end();
    Map.Entry<Long, Extent> lower = extents.lowerEntry(start);
    if (lower != null && lower.getValue().end() > start) {
      cut(lower.getValue(), start, end);
    }
    for (Extent x : new ArrayList<>(extents.subMap(start, true, end, false).values())) {
      cut(x, start, end);
    }
    add(e);
  }

  /**
   * Lays {@code newer}'s extents over this buffer's, taking over their references; {@code newer}
   * is left empty. A failed flush puts its batch back under the writes made meanwhile this way.
   */
  void putAll(DirtyBuffer newer) {
    for (Extent x : newer.extents.values()) {
      put(x);
    }
    newer.extents.clear();
    newer.bytes = 0;
  }

  /** Removes {@code x}, keeping (with references of their own) its parts outside [start, end). */
  private void cut(Extent x, long start, long end) {
    Extent before = x.offset() < start ? keep(x.slice(x.offset(), start)) : null;
    Extent after = x.end() > end ? keep(x.slice(end, x.end())) : null;
    remove(x);
    if (before != null) {
      add(before);
    }
    if (after != null) {
      add(after);
    }
    x.release();
  }

  /**
   * {@code piece} with a reference of its own. A piece smaller than half the buffer it would pin
   * gets a buffer of its own, so overwritten bytes never hold more than twice the bytes kept: the
   * write budget counts kept bytes. Without memory for the copy it shares, which costs nothing now.
   */
  private Extent keep(Extent piece) {
    if (2L * piece.length() < piece.buf().capacity()) {
      try {
        ByteBuf copy = memory.directBuffer(piece.length(), piece.length());
        copy.writeBytes(piece.buf(), piece.from(), piece.length());
        return new Extent(piece.offset(), copy, 0, piece.length());
      } catch (OutOfMemoryError e) {
        // fall through
      }
    }
    return piece.retain();
  }

  /** Stores {@code e} (never empty: writes, cuts and truncation make no empty extents), taking over its reference. */
  private void add(Extent e) {
    extents.put(e.offset(), e);
    bytes += e.length();
  }

  private void remove(Extent e) {
    extents.remove(e.offset());
    bytes -= e.length();
  }

  /** Drops everything at or past {@code size}. */
  void truncate(long size) {
    Map.Entry<Long, Extent> lower = extents.lowerEntry(size);
    if (lower != null && lower.getValue().end() > size) {
      cut(lower.getValue(), size, Long.MAX_VALUE);
    }
    for (Extent x : new ArrayList<>(extents.tailMap(size, true).values())) {
      remove(x);
      x.release();
    }
  }

  /** Drops every byte, releasing the buffer's references: once flushed, or discarded. */
  void release() {
    for (Extent x : extents.values()) {
      x.release();
    }
    extents.clear();
    bytes = 0;
  }

  /** Buffered bytes (each offset counted once). */
  long bytes() {
    return bytes;
  }

  /** Extents held (a test's bound on the buffers still allocated). */
  int extentCount() {
    return extents.size();
  }

  boolean isEmpty() {
    return extents.isEmpty();
  }

  /** One past the last buffered byte, or 0 when empty. */
  long end() {
    return extents.isEmpty() ? 0 : extents.lastEntry().getValue().end();
  }

  /**
   * The extents (clipped) that overlap [offset, offset + length), in offset order, each with a
   * reference the caller owns and gives back with {@link #release(List)}.
   */
  List<Extent> retainedOverlapping(long offset, long length) {
    long end = offset + length;
    List<Extent> out = new ArrayList<>();
    Map.Entry<Long, Extent> lower = extents.lowerEntry(offset);
    if (lower != null && lower.getValue().end() > offset) {
      Extent x = lower.getValue();
      out.add(x.slice(offset, Math.min(end, x.end())).retain());
    }
    for (Extent x : extents.subMap(offset, true, end, false).values()) {
      out.add((x.end() > end ? x.slice(x.offset(), end) : x).retain());
    }
    return out;
  }

  /** Gives back the references of extents taken with {@link #retainedOverlapping}. */
  static void release(List<Extent> taken) {
    for (Extent x : taken) {
      x.release();
    }
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
      x.copyTo(s, e, target);
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
