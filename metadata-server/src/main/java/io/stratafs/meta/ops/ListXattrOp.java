package io.stratafs.meta.ops;

import static io.stratafs.meta.schema.MetaSchema.u64;

import com.google.protobuf.ByteString;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvEntry;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.ListXattrReply;
import io.stratafs.protocol.meta.ListXattrRequest;
import java.util.Arrays;

/**
 * listxattr(2): names only; needs no permission on the file (as Linux). trusted.* names are listed
 * for root only, as ext4 lists them only to CAP_SYS_ADMIN.
 */
public final class ListXattrOp {
  /** Bounds one reply; Linux's XATTR_LIST_MAX (64 KiB of names) is reached long before. */
  private static final int MAX_NAMES = 65_536;

  private static final byte[] TRUSTED = "trusted.".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private ListXattrOp() {}

  private static boolean startsWith(byte[] name, byte[] prefix) {
    return name.length >= prefix.length && Arrays.equals(name, 0, prefix.length, prefix, 0, prefix.length);
  }

  public static ListXattrReply run(Tx tx, ListXattrRequest req) {
    InodeRecord r = tx.inode(req.getIno());
    ListXattrReply.Builder out = ListXattrReply.newBuilder();
    boolean root = Perms.isRoot(req.getCaller());
    for (KvEntry e : tx.scan(Cf.XATTRS, u64(r.ino()), null, MAX_NAMES)) {
      byte[] name = Arrays.copyOfRange(e.key(), 8, e.key().length);
      if (root || !startsWith(name, TRUSTED)) {
        out.addNames(ByteString.copyFrom(name));
      }
    }
    return out.build();
  }
}
