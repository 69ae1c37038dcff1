package io.stratafs.fuse.kernel;

import io.stratafs.protocol.meta.StatFsReply;
import java.nio.ByteBuffer;

/** fuse_kstatfs from a {@link StatFsReply}: byte totals become block counts. Stateless. */
final class StatfsCodec {
  static final int DEFAULT_BLOCK_SIZE = 4096;
  static final int DEFAULT_NAME_MAX = 255;

  private StatfsCodec() {}

  static void encode(ByteBuffer b, StatFsReply s) {
    int bsize = s.getBlockSize() > 0 ? s.getBlockSize() : DEFAULT_BLOCK_SIZE;
    b.putLong(Long.divideUnsigned(s.getTotalBytes(), bsize));
    b.putLong(Long.divideUnsigned(s.getFreeBytes(), bsize));
    b.putLong(Long.divideUnsigned(s.getAvailBytes(), bsize));
    b.putLong(s.getTotalInodes());
    b.putLong(s.getFreeInodes());
    b.putInt(bsize);
    b.putInt(s.getNameMax() > 0 ? s.getNameMax() : DEFAULT_NAME_MAX);
    b.putInt(bsize); // frsize: block counts above are in these units
    b.putInt(0);
    for (int i = 0; i < 6; i++) {
      b.putInt(0);
    }
  }
}
