package io.stratafs.meta.schema;

import com.google.protobuf.InvalidProtocolBufferException;
import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.OpenSessionRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The key layout and value encoding of every column family, written next to the codecs. All
 * integers are big-endian so that unsigned byte order equals numeric order and a directory, an
 * inode's xattrs or its chunks are each one prefix scan.
 *
 * <pre>
 * column family  key                                   value
 * inodes         ino u64                               InodeRecord, compact binary (see encodeInode)
 * dentries       parentIno u64 + name bytes            childIno u64 + type u8 (mode >> 12)
 * xattrs         ino u64 + name bytes                  raw value bytes
 * chunks         ino u64 + chunkIndex u64              ChunkInfo protobuf (id, version, replicas, externals, dirty_seq)
 * sessions       sessionId u64                         OpenSessionRequest protobuf (who, lease)
 * opens          'I' + ino u64 + sessionId u64         open count u32  (is this inode open?)
 *                'S' + sessionId u64 + ino u64         empty           (what does a session hold?)
 * gc             chunkId u64                           ChunkInfo protobuf (replicas to delete)
 * counters       name (ASCII)                          u64: the next id NOT yet reserved
 * </pre>
 */
public final class MetaSchema {
  private static final byte INODE_FORMAT_V1 = 1;
  public static final byte OPEN_BY_INODE = 'I';
  public static final byte OPEN_BY_SESSION = 'S';

  private MetaSchema() {}

  public static byte[] u64(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  public static long readU64(byte[] b, int offset) {
    return ByteBuffer.wrap(b, offset, 8).getLong();
  }

  public static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    ByteBuffer bb = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      bb.put(p);
    }
    return bb.array();
  }

  // ---- inodes
  public static byte[] inodeKey(long ino) {
    return u64(ino);
  }

  /** version u8, ino, mode u32, uid u32, gid u32, size, atime, mtime, ctime, nlink u32, rdev,
   * generation, parent, flags u32, target length u32 + bytes. */
  public static byte[] encodeInode(InodeRecord r) {
    ByteBuffer bb = ByteBuffer.allocate(1 + 8 * 9 + 4 * 6 + r.target().length);
    bb.put(INODE_FORMAT_V1).putLong(r.ino()).putInt(r.mode()).putInt(r.uid()).putInt(r.gid());
    bb.putLong(r.size()).putLong(r.atimeNs()).putLong(r.mtimeNs()).putLong(r.ctimeNs());
    bb.putInt(r.nlink()).putLong(r.rdev()).putLong(r.generation()).putLong(r.parent());
    bb.putInt(r.flags()).putInt(r.target().length).put(r.target());
    return bb.array();
  }

  public static InodeRecord decodeInode(byte[] b) {
    ByteBuffer bb = ByteBuffer.wrap(b);
    byte format = bb.get();
    if (format != INODE_FORMAT_V1) {
      throw new IllegalStateException("unknown inode format " + format);
    }
    InodeRecord.Builder r = InodeRecord.builder();
    r.ino = bb.getLong();
    r.mode = bb.getInt();
    r.uid = bb.getInt();
    r.gid = bb.getInt();
    r.size = bb.getLong();
    r.atimeNs = bb.getLong();
    r.mtimeNs = bb.getLong();
    r.ctimeNs = bb.getLong();
    r.nlink = bb.getInt();
    r.rdev = bb.getLong();
    r.generation = bb.getLong();
    r.parent = bb.getLong();
    r.flags = bb.getInt();
    byte[] target = new byte[bb.getInt()];
    bb.get(target);
    r.target = target;
    return r.build();
  }

  // ---- dentries
  public static byte[] dentryPrefix(long parent) {
    return u64(parent);
  }

  public static byte[] dentryKey(long parent, byte[] name) {
    return concat(u64(parent), name);
  }

  public static byte[] dentryName(byte[] key) {
    return java.util.Arrays.copyOfRange(key, 8, key.length);
  }

  public static byte[] encodeDentry(Dentry d) {
    return ByteBuffer.allocate(9).putLong(d.child()).put((byte) (d.type() >>> 12)).array();
  }

  public static Dentry decodeDentry(byte[] b) {
    ByteBuffer bb = ByteBuffer.wrap(b);
    return new Dentry(bb.getLong(), (bb.get() & 0xff) << 12);
  }

  // ---- xattrs
  public static byte[] xattrKey(long ino, byte[] name) {
    return concat(u64(ino), name);
  }

  // ---- chunks
  public static byte[] chunkKey(long ino, long index) {
    return concat(u64(ino), u64(index));
  }

  public static byte[] encodeChunk(ChunkInfo c) {
    return c.toByteArray();
  }

  public static ChunkInfo decodeChunk(byte[] b) {
    try {
      return ChunkInfo.parseFrom(b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt chunk record", e);
    }
  }

  // ---- sessions
  public static OpenSessionRequest decodeSession(byte[] b) {
    try {
      return OpenSessionRequest.parseFrom(b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt session record", e);
    }
  }

  // ---- opens
  public static byte[] openByInodePrefix(long ino) {
    return concat(new byte[] {OPEN_BY_INODE}, u64(ino));
  }

  public static byte[] openByInodeKey(long ino, long session) {
    return concat(new byte[] {OPEN_BY_INODE}, u64(ino), u64(session));
  }

  public static byte[] openBySessionPrefix(long session) {
    return concat(new byte[] {OPEN_BY_SESSION}, u64(session));
  }

  public static byte[] openBySessionKey(long session, long ino) {
    return concat(new byte[] {OPEN_BY_SESSION}, u64(session), u64(ino));
  }

  public static byte[] u32(int v) {
    return ByteBuffer.allocate(4).putInt(v).array();
  }

  public static int readU32(byte[] b) {
    return ByteBuffer.wrap(b).getInt();
  }

  // ---- counters
  public static byte[] counterKey(String name) {
    return name.getBytes(StandardCharsets.US_ASCII);
  }
}
