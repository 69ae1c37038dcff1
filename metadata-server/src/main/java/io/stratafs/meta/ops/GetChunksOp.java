package io.stratafs.meta.ops;

import static io.stratafs.meta.schema.MetaSchema.*;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvEntry;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.ChunksReply;
import io.stratafs.protocol.meta.GetChunksRequest;

/** The chunk map of [first_index, first_index + count): one bounded scan; holes are absent. */
public final class GetChunksOp {
  public static final int MAX_COUNT = 4096;

  private GetChunksOp() {}

  public static ChunksReply run(Tx tx, GetChunksRequest req) {
    InodeRecord r = regularFile(tx, req.getIno());
    int count = Math.min(req.getCount() == 0 ? MAX_COUNT : req.getCount(), MAX_COUNT);
    long first = req.getFirstIndex();
    byte[] after = first == 0 ? null : chunkKey(r.ino(), first - 1);
    ChunksReply.Builder out = ChunksReply.newBuilder().setFileSize(r.size());
    for (KvEntry e : tx.scan(Cf.CHUNKS, u64(r.ino()), after, count)) {
      if (readU64(e.key(), 8) >= first + count) {
        break;
      }
      out.addChunks(decodeChunk(e.value()));
    }
    return out.build();
  }

  static InodeRecord regularFile(Tx tx, long ino) {
    InodeRecord r = tx.inode(ino);
    if (r.isDir()) {
      throw StrataException.of(StatusCode.IS_DIRECTORY, "inode %d is a directory: it has no chunks", ino);
    }
    if (r.type() != InodeRecord.S_IFREG) {
      throw StrataException.of(StatusCode.INVALID_ARGUMENT, "inode %d is not a regular file", ino);
    }
    return r;
  }
}
