package io.stratafs.storage.external;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Verifies every object it reads: each object is stored with an 8-byte trailer, the CRC32C of the
 * content (big-endian) and the magic {@code SCRC}. A read whose trailer is missing or whose CRC
 * does not match is CORRUPT naming the object, never wrong bytes. The trailer travels inside the
 * object, so it is exactly as atomic as the object (a sidecar would not be) and works on stores
 * without user metadata or xattrs (see docs/adr/010-s3-external-object-layout.md).
 *
 * <p>A range read fetches and verifies the whole object: chunk data objects are one block each,
 * so this costs little and no unverified byte is ever returned. Callers see lengths without the
 * trailer.
 */
public final class ChecksummedBackend implements BlobBackend {
  static final int TRAILER_BYTES = 8;
  static final int MAGIC = 0x53435243; // "SCRC"

  private final BlobBackend inner;

  public ChecksummedBackend(BlobBackend inner) {
    this.inner = inner;
  }

  @Override
  public void put(String key, ByteBuffer data) {
    ByteBuffer framed = ByteBuffer.allocate(data.remaining() + TRAILER_BYTES);
    framed.put(data.duplicate());
    framed.putInt(crc(data)).putInt(MAGIC).flip();
    inner.put(key, framed);
  }

  @Override
  public void put(String key, InputStream in, long length) {
    inner.put(key, new TrailerStream(in, length), length + TRAILER_BYTES);
  }

  @Override
  public ByteBuffer get(String key) {
    return verified(key, inner.get(key));
  }

  @Override
  public ByteBuffer get(String key, long offset, int length) {
    Ranges.check(key, offset, length);
    ByteBuffer whole = get(key);
    if (offset >= whole.remaining()) {
      return ByteBuffer.allocate(0);
    }
    int from = (int) offset;
    int to = (int) Math.min(whole.remaining(), offset + length);
    return whole.slice(from, to - from);
  }

  private ByteBuffer verified(String key, ByteBuffer raw) {
    if (raw.remaining() < TRAILER_BYTES) {
      throw corrupt(key, "it is " + raw.remaining() + " bytes, shorter than its checksum trailer");
    }
    int end = raw.limit() - TRAILER_BYTES;
    int stored = raw.getInt(end);
    int magic = raw.getInt(end + 4);
    if (magic != MAGIC) {
      throw corrupt(key, String.format("its trailer magic is %08x, not %08x", magic, MAGIC));
    }
    ByteBuffer content = raw.duplicate().limit(end);
    int actual = crc(content);
    if (actual != stored) {
      throw corrupt(key, String.format("CRC32C of its %d bytes is %08x, stored %08x", end - raw.position(), actual, stored));
    }
    return content.slice();
  }

  private StrataException corrupt(String key, String why) {
    return StrataException.of(
        StatusCode.CORRUPT,
        "object %s in %s is corrupt: %s; read another replica and rewrite this one",
        key, inner.describe(), why);
  }

  @Override
  public Optional<BlobInfo> head(String key) {
    return inner.head(key).map(ChecksummedBackend::content);
  }

  @Override
  public void delete(String key) {
    inner.delete(key);
  }

  @Override
  public BlobPage list(String prefix, String startAfter, int limit) {
    BlobPage page = inner.list(prefix, startAfter, limit);
    List<BlobInfo> out = new ArrayList<>(page.entries().size());
    for (BlobInfo i : page.entries()) {
      out.add(content(i));
    }
    return new BlobPage(out, page.truncated());
  }

  // A raw object shorter than a trailer is corrupt; listing reports it as empty and a read says so.
  private static BlobInfo content(BlobInfo raw) {
    return new BlobInfo(raw.key(), Math.max(0, raw.length() - TRAILER_BYTES));
  }

  @Override
  public String describe() {
    return inner.describe() + " (CRC32C-checked)";
  }

  @Override
  public void close() {
    inner.close();
  }

  private static int crc(ByteBuffer b) {
    CRC32C c = new CRC32C();
    c.update(b.duplicate());
    return (int) c.getValue();
  }

  /** The caller's stream followed by the trailer, computed as the content streams through. */
  private static final class TrailerStream extends InputStream {
    private final InputStream in;
    private final long length;
    private final CRC32C crc = new CRC32C();
    private long consumed;
    private ByteBuffer trailer;

    TrailerStream(InputStream in, long length) {
      this.in = in;
      this.length = length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (consumed < length) {
        int n = in.read(b, off, (int) Math.min(len, length - consumed));
        if (n < 0) {
          return -1; // short content: the backend sees fewer bytes than announced and stores nothing
        }
        crc.update(b, off, n);
        consumed += n;
        return n;
      }
      if (trailer == null) {
        trailer = ByteBuffer.allocate(TRAILER_BYTES).putInt((int) crc.getValue()).putInt(MAGIC).flip();
      }
      if (!trailer.hasRemaining()) {
        return -1;
      }
      int n = Math.min(len, trailer.remaining());
      trailer.get(b, off, n);
      return n;
    }
  }
}
