package io.stratafs.fuse.vfs;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.Attr;
import io.stratafs.protocol.meta.DirEntry;
import io.stratafs.protocol.meta.ReadDirReply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Readdir positions of one open directory. Positions are what the kernel passes back: 0 = start,
 * 1 = after ".", 2 = after "..", and 3, 4, ... after the first, second... entry. The server lists
 * entries strictly after a name, so the cursor remembers the name at each recent position (a
 * bounded map, never the whole directory) plus the last batch, which often still holds the
 * entries that did not fit the kernel's previous buffer. Thread-safe (synchronized).
 */
final class DirCursor {
  static final int BATCH = 512;
  private static final int REMEMBERED_POSITIONS = 16 * BATCH;
  private static final int S_IFDIR = 0040000;
  private static final byte[] DOT = ".".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DOTDOT = "..".getBytes(StandardCharsets.US_ASCII);

  /** Where the entries come from: the metadata server in production, a list in tests. */
  interface Source {
    /** Up to {@code max} entries strictly after {@code afterName} (empty = from the start). */
    ReadDirReply list(byte[] afterName, int max, boolean plus);

    /** The directory's own attributes (for "." and ".." in readdirplus). */
    Attr dirAttr();
  }

  private final long dirIno;
  private final TreeMap<Long, byte[]> nameAtPosition = new TreeMap<>();
  private List<DirEntry> batch = List.of();
  private long batchFirstPosition = -1;
  private boolean batchEof;

  DirCursor(long dirIno) {
    this.dirIno = dirIno;
  }

  synchronized void readdir(long offset, boolean plus, Source source, Vfs.DirFiller filler) {
    long pos = offset;
    if (pos == 0) {
      Attr a = plus ? source.dirAttr() : null;
      if (!filler.add(DOT, dirIno, S_IFDIR, a, 1)) {
        return;
      }
      pos = 1;
    }
    if (pos == 1) {
      // The parent is not known here; the kernel ignores the ino of "..".
      Attr a = plus ? source.dirAttr() : null;
      if (!filler.add(DOTDOT, dirIno, S_IFDIR, a, 2)) {
        return;
      }
      pos = 2;
    }
    while (true) {
      long next = pos + 1; // position handed out with the entry after `pos`
      int i = (int) (next - batchFirstPosition);
      if (batchFirstPosition < 0 || i < 0 || i > batch.size() || (i == batch.size() && !batchEof)) {
        fetch(pos, plus, source);
        i = 0;
      }
      if (i >= batch.size()) {
        return; // end of directory
      }
      DirEntry e = batch.get(i);
      if (!filler.add(e.getName().toByteArray(), e.getIno(), e.getMode(), plus ? e.getAttr() : null, next)) {
        return;
      }
      pos = next;
    }
  }

  private void fetch(long pos, boolean plus, Source source) {
    byte[] after;
    if (pos == 2) {
      after = new byte[0];
    } else {
      after = nameAtPosition.get(pos);
      if (after == null) {
        throw StrataException.of(
            StatusCode.INVALID_ARGUMENT,
            "directory %d: position %d is too old or was never handed out; rewind the directory",
            dirIno,
            pos);
      }
    }
    ReadDirReply reply = source.list(after, BATCH, plus);
    batch = reply.getEntriesList();
    batchFirstPosition = pos + 1;
    batchEof = reply.getEof() || batch.isEmpty();
    for (int k = 0; k < batch.size(); k++) {
      nameAtPosition.put(batchFirstPosition + k, batch.get(k).getName().toByteArray());
    }
    while (nameAtPosition.size() > REMEMBERED_POSITIONS) {
      Map.Entry<Long, byte[]> oldest = nameAtPosition.firstEntry();
      nameAtPosition.remove(oldest.getKey());
    }
  }
}
