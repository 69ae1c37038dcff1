package io.stratafs.storage.external;

import java.util.Optional;

/**
 * Names the objects that hold chunk data on an external backend. A chunk's replica there is one
 * immutable object per (chunk, version, block):
 *
 * <pre>
 * chunks/&lt;xx&gt;/&lt;16 hex chunk id&gt;/&lt;16 hex version&gt;/&lt;8 hex block index&gt;
 * </pre>
 *
 * {@code xx} is the chunk id's low byte in hex, as on local devices: it spreads consecutive chunk
 * ids over 256 prefixes (S3 partitions request rates by prefix; a directory stays small on a
 * NAS). Fixed-width lower-case hex makes byte order equal numeric order, so listing a chunk lists
 * its versions oldest first and each version's blocks in order. A new version is uploaded under
 * new keys and never overwrites an old one: a reader of version v never sees bytes of v+1, and
 * the old version is garbage once metadata points at the new one ({@link ChunkVersionGc}).
 */
public final class ChunkObjectLayout {
  public static final String ROOT = "chunks/";
  /**
   * Bytes of chunk data per object: 4 MiB, the last block of a version may be shorter. Large
   * enough that a 64 MiB chunk is 16 requests, small enough that a read fetches (and verifies,
   * see {@link ChecksummedBackend}) little more than it needs.
   */
  public static final int BLOCK_BYTES = 4 << 20;

  private ChunkObjectLayout() {}

  /** The key of one block of one version of a chunk. */
  public static String key(long chunkId, long version, int blockIndex) {
    if (blockIndex < 0) {
      throw new IllegalArgumentException("negative block index " + blockIndex);
    }
    return String.format("%s%016x/%08x", chunkPrefix(chunkId), version, blockIndex);
  }

  /** The prefix of every object of a chunk, ending with {@code /}. */
  public static String chunkPrefix(long chunkId) {
    return String.format("%s%02x/%016x/", ROOT, chunkId & 0xff, chunkId);
  }

  /** The prefix of every block of one version of a chunk, ending with {@code /}. */
  public static String versionPrefix(long chunkId, long version) {
    return String.format("%s%016x/", chunkPrefix(chunkId), version);
  }

  /** The parts of a key of this layout; empty for any other key. */
  public static Optional<BlockKey> parse(String key) {
    // chunks/xx/<16>/<16>/<8>
    String[] s = key.split("/", -1);
    if (s.length != 5
        || !(s[0] + "/").equals(ROOT)
        || !hex(s[1], 2)
        || !hex(s[2], 16)
        || !hex(s[3], 16)
        || !hex(s[4], 8)) {
      return Optional.empty();
    }
    long chunkId = Long.parseUnsignedLong(s[2], 16);
    if (!s[1].equals(String.format("%02x", chunkId & 0xff))) {
      return Optional.empty();
    }
    return Optional.of(
        new BlockKey(chunkId, Long.parseUnsignedLong(s[3], 16), Integer.parseUnsignedInt(s[4], 16)));
  }

  private static boolean hex(String s, int width) {
    if (s.length() != width) {
      return false;
    }
    for (int i = 0; i < width; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** One block of one version of a chunk. */
  public record BlockKey(long chunkId, long version, int blockIndex) {
    public String key() {
      return ChunkObjectLayout.key(chunkId, version, blockIndex);
    }
  }
}
