package io.stratafs.fuse.vfs;

import java.util.ArrayList;
import java.util.List;

/** Cutting a byte range of a file at chunk boundaries: chunk i covers [i*size, (i+1)*size). */
final class ChunkRanges {
  private ChunkRanges() {}

  /** The part of a file range that falls in one chunk. */
  record Slice(long index, long offsetInChunk, long fileOffset, int length) {}

  /** The slices of [offset, offset + length), in file order; empty when length is 0. */
  static List<Slice> split(long offset, long length, long chunkSize) {
    if (offset < 0 || length < 0 || chunkSize <= 0) {
      throw new IllegalArgumentException(
          "offset " + offset + ", length " + length + ", chunk size " + chunkSize);
    }
    List<Slice> slices = new ArrayList<>();
    long pos = offset;
    long end = offset + length;
    while (pos < end) {
      long index = pos / chunkSize;
      long inChunk = pos - index * chunkSize;
      long n = Math.min(end - pos, chunkSize - inChunk);
      slices.add(new Slice(index, inChunk, pos, Math.toIntExact(n)));
      pos += n;
    }
    return slices;
  }
}
