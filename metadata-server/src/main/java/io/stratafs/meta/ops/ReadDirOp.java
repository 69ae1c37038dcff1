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

/** One page of a directory in name order: a single bounded prefix scan, never the whole directory. */
public final class ReadDirOp {
  public static final int DEFAULT_PAGE = 1000;
  public static final int MAX_PAGE = 10_000;

  private ReadDirOp() {}

  public static ReadDirReply run(Tx tx, ReadDirRequest req) {
    InodeRecord dir = tx.dir(req.getIno());
    Perms.check(req.getCaller(), dir, Perms.R, "list");
    int limit = req.getMaxEntries() == 0 ? DEFAULT_PAGE : Math.min(req.getMaxEntries(), MAX_PAGE);
    byte[] after = req.getAfterName().isEmpty() ? null : dentryKey(dir.ino(), req.getAfterName().toByteArray());
    // One extra entry tells whether this page is the last.
    List<KvEntry> page = tx.scan(Cf.DENTRIES, dentryPrefix(dir.ino()), after, limit + 1);
    ReadDirReply.Builder out = ReadDirReply.newBuilder().setEof(page.size() <= limit);
    for (int i = 0; i < Math.min(limit, page.size()); i++) {
      KvEntry e = page.get(i);
      Dentry d = decodeDentry(e.value());
      DirEntry.Builder de =
          DirEntry.newBuilder()
              .setName(ByteString.copyFrom(dentryName(e.key())))
              .setIno(d.child())
              .setMode(d.type());
      if (req.getPlus()) {
        InodeRecord child = tx.inodeOrNull(d.child());
        if (child != null) {
          de.setAttr(child.toAttr()).setMode(child.mode());
        }
      }
      out.addEntries(de);
    }
    return out.build();
  }
}
