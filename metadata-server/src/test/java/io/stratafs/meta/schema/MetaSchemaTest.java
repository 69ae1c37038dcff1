package io.stratafs.meta.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.Replica;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MetaSchemaTest {
  @Test
  void inodeRoundTrips() {
    InodeRecord r =
        new InodeRecord(7, 0120777, 1000, 100, 5, -1, 2, 3, 1, 0x0801, 9, 0, InodeRecord.FLAG_ORPHAN,
            "abc/d".getBytes());
    InodeRecord back = MetaSchema.decodeInode(MetaSchema.encodeInode(r));
    assertThat(back).usingRecursiveComparison().isEqualTo(r);
  }

  @Test
  void dentryRoundTripsAndKeysSortByParentThenName() {
    Dentry d = new Dentry(1L << 40, InodeRecord.S_IFSOCK);
    assertThat(MetaSchema.decodeDentry(MetaSchema.encodeDentry(d))).isEqualTo(d);
    byte[] k = MetaSchema.dentryKey(258, "x".getBytes());
    assertThat(MetaSchema.dentryName(k)).isEqualTo("x".getBytes());
    assertThat(Arrays.compareUnsigned(MetaSchema.dentryKey(1, new byte[] {(byte) 0xff}), MetaSchema.dentryKey(2, new byte[0])))
        .isNegative();
  }

  @Test
  void chunkRoundTrips() {
    ChunkInfo c = ChunkInfo.newBuilder().setIndex(3).setChunkId(99).setVersion(1)
        .addReplicas(Replica.newBuilder().setStorageId("s").setAddress("h:1").setDevice("d0")).build();
    assertThat(MetaSchema.decodeChunk(MetaSchema.encodeChunk(c))).isEqualTo(c);
    assertThat(MetaSchema.readU64(MetaSchema.chunkKey(5, 3), 8)).isEqualTo(3);
  }
}
