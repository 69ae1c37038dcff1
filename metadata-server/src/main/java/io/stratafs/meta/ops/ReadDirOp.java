package io.stratafs.meta.ops;

import static io.stratafs.meta.schema.MetaSchema.*;

import com.google.protobuf.ByteString;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvEntry;
import io.stratafs.meta.schema.Dentry;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.DirEntry;
import io.stratafs.protocol.meta.ReadDirReply;
import io.stratafs.protocol.meta.ReadDirRequest;
import java.util.List;
import java.util.function.Consumer;

/** One page of a directory in name order: a single bounded prefix scan, never the whole directory. */
public final class ReadDirOp {
  public static final int DEFAULT_PAGE = 1000;
  public static final int MAX_PAGE = 10_000;

  private ReadDirOp() {}

  public static ReadDirReply run(Tx tx, ReadDirRequest req) {
    InodeRecord dir = tx.dir(req.getIno());
    Perms.check(req.getCaller(), dir, Perms.R, "list");
    int limit = req.getMaxEntries() == 0 ? DEFAULT_PAGE : Math.min(req.getMaxEntries(), MAX_PAGE);
    byte[] after = req.getAfterName().isEmpty() ? null : req.getAfterName().toByteArray();
    ReadDirReply.Builder out = ReadDirReply.newBuilder();
    out.setEof(page(tx, dir, after, limit, req.getPlus(), out::addEntries));
    return out.build();
  }

  /**
   * Hands {@code sink} up to {@code limit} entries of {@code dir} after {@code afterName} (null:
   * from the start) in name order, with attributes when {@code plus}; the caller checked the
   * permission. Returns whether they are the directory's last.
   */
  static boolean page(Tx tx, InodeRecord dir, byte[] afterName, int limit, boolean plus, Consumer<DirEntry> sink) {
    byte[] after = afterName == null ? null : dentryKey(dir.ino(), afterName);
    // One extra entry tells whether this page is the last.
    List<KvEntry> page = tx.scan(Cf.DENTRIES, dentryPrefix(dir.ino()), after, limit + 1);
    for (int i = 0; i < Math.min(limit, page.size()); i++) {
      KvEntry e = page.get(i);
      Dentry d = decodeDentry(e.value());
      DirEntry.Builder de =
          DirEntry.newBuilder()
              .setName(ByteString.copyFrom(dentryName(e.key())))
              .setIno(d.child())
              .setMode(d.type());
      if (plus) {
        InodeRecord child = tx.inodeOrNull(d.child());
        if (child != null) {
          de.setAttr(child.toAttr()).setMode(child.mode());
        }
      }
      sink.accept(de.build());
    }
    return page.size() <= limit;
  }
}
