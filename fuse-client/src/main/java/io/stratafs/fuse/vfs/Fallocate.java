package io.stratafs.fuse.vfs;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.Caller;
import io.stratafs.protocol.meta.SetAttrField;
import io.stratafs.protocol.meta.StatFsReply;
import java.nio.ByteBuffer;
import java.util.function.LongFunction;

/**
 * fallocate(2) on an open file of a StrataFS mount.
 *
 * <ul>
 *   <li>mode 0 (posix_fallocate): the size grows to {@code offset + length} when that is larger,
 *       through the same setattr a truncate uses, so the new range is a sparse hole.
 *   <li>{@code KEEP_SIZE}: nothing changes.
 *   <li>{@code PUNCH_HOLE | KEEP_SIZE}: the range inside the file reads as zeros afterwards. Zeros
 *       are written over the chunks that exist (holes already read as zeros), through the file's
 *       write buffer so they land after every earlier buffered write, and flushed to storage.
 * </ul>
 *
 * <p>Reservation is nominal: chunk files are sparse and there is no per-file reservation on the
 * storage daemons, so for mode 0 and KEEP_SIZE the only promise is a check that the bytes past the
 * current end fit in the filesystem's free space now (ENOSPC otherwise). A later write into the
 * range can still fail with ENOSPC when others filled the devices meanwhile (docs/posix.md).
 */
final class Fallocate {
  /** Zeros a punch writes per buffered write call; the write buffer flushes as it fills. */
  private static final ByteBuffer ZEROS = ByteBuffer.allocate(1 << 20).asReadOnlyBuffer();

  private final Vfs vfs;
  private final IoServices io;

  Fallocate(Vfs vfs, IoServices io) {
    this.vfs = vfs;
    this.io = io;
  }

  void run(VfsContext ctx, OpenFile file, long fh, int mode, long offset, long length) {
    if (offset < 0 || length <= 0 || offset + length < 0) {
      throw StrataException.of(
          StatusCode.INVALID_ARGUMENT, "fallocate range offset=%d length=%d", offset, length);
    }
    switch (mode) {
      case 0 -> {
        checkSpace(ctx, file, offset, length);
        long end = offset + length;
        if (end > file.size()) {
          vfs.setattr(ctx, file.ino, new SetAttrChange(SetAttrField.SET_SIZE_VALUE, 0, 0, 0, end, 0, 0, 0), fh);
        }
      }
      case Vfs.FALLOC_FL_KEEP_SIZE -> checkSpace(ctx, file, offset, length);
      case Vfs.FALLOC_FL_PUNCH_HOLE | Vfs.FALLOC_FL_KEEP_SIZE -> punchHole(ctx, file, offset, length);
      default ->
          throw StrataException.of(
              StatusCode.NOT_SUPPORTED,
              "fallocate mode 0x%x is not supported (StrataFS supports 0, KEEP_SIZE and"
                  + " PUNCH_HOLE|KEEP_SIZE)",
              mode);
    }
  }

  /** The bytes the call would add past the current end must fit in the free space now. */
  private void checkSpace(VfsContext ctx, OpenFile file, long offset, long length) {
    long beyondEnd = offset + length - Math.max(offset, file.size());
    if (beyondEnd <= 0) {
      return;
    }
    StatFsReply fs = vfs.statfs(ctx, file.ino);
    if (Long.compareUnsigned(beyondEnd, fs.getAvailBytes()) > 0) {
      throw StrataException.of(
          StatusCode.NO_SPACE,
          "fallocate of %d bytes past the end of inode %d: only %d bytes are available",
          beyondEnd, file.ino, fs.getAvailBytes());
    }
  }

  private void punchHole(VfsContext ctx, OpenFile file, long offset, long length) {
    LongFunction<Caller> caller = Callers.of(ctx);
    // Buffered bytes must have their chunks before we decide which chunks hold data.
    file.writer.flush(caller, false);
    long end = Math.min(offset + length, file.size());
    if (end <= offset) {
      return; // past the end: reads there already see zeros (or EOF)
    }
    for (ChunkRanges.Slice s : ChunkRanges.split(offset, end - offset, io.chunkSize())) {
      if (io.chunks().lookup(caller, file.ino, s.index()) == null) {
        continue; // a hole already
      }
      long pos = s.fileOffset();
      long sliceEnd = pos + s.length();
      while (pos < sliceEnd) {
        ByteBuffer zeros = ZEROS.duplicate();
        zeros.limit((int) Math.min(zeros.capacity(), sliceEnd - pos));
        file.writer.write(caller, pos, zeros);
        pos += zeros.limit();
      }
    }
    file.writer.flush(caller, false);
    file.dataChanged();
  }
}
