package io.stratafs.meta.replication;

import static io.stratafs.meta.schema.MetaSchema.chunkKey;
import static io.stratafs.meta.schema.MetaSchema.readU64;

/** Where a chunk record lives: its file and index. */
public record ChunkKey(long ino, long index) {
  public byte[] key() {
    return chunkKey(ino, index);
  }

  public static ChunkKey of(byte[] key) {
    return new ChunkKey(readU64(key, 0), readU64(key, 8));
  }
}
