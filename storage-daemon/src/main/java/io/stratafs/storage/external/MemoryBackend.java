package io.stratafs.storage.external;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Objects in a sorted concurrent map, for tests and as the reference behaviour of the contract.
 * Copies on the way in and out, so callers can reuse their buffers.
 */
public final class MemoryBackend implements BlobBackend {
  private final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();
  private final String name;

  public MemoryBackend(String name) {
    this.name = name;
  }

  @Override
  public void put(String key, ByteBuffer data) {
    BlobKeys.check(key);
    byte[] copy = new byte[data.remaining()];
    data.duplicate().get(copy);
    objects.put(key, copy);
  }

  @Override
  public void put(String key, InputStream in, long length) {
    BlobKeys.check(key);
    if (length < 0 || length > Integer.MAX_VALUE - 8) {
      throw StrataException.of(StatusCode.INVALID_ARGUMENT, "%s cannot hold %d bytes", describe(), length);
    }
    byte[] bytes;
    try {
      bytes = in.readNBytes((int) length);
    } catch (IOException e) {
      throw new StrataException(StatusCode.IO_ERROR, "reading the content of " + key + ": " + e, e);
    }
    if (bytes.length != length) {
      throw StrataException.of(
          StatusCode.INVALID_ARGUMENT,
          "content of %s ended after %d of %d bytes; nothing stored",
          key, bytes.length, length);
    }
    objects.put(key, bytes);
  }

  @Override
  public ByteBuffer get(String key) {
    return ByteBuffer.wrap(bytes(key).clone());
  }

  @Override
  public ByteBuffer get(String key, long offset, int length) {
    Ranges.check(key, offset, length);
    byte[] b = bytes(key);
    if (offset >= b.length) {
      return ByteBuffer.allocate(0);
    }
    int n = (int) Math.min(length, b.length - offset);
    byte[] out = new byte[n];
    System.arraycopy(b, (int) offset, out, 0, n);
    return ByteBuffer.wrap(out);
  }

  private byte[] bytes(String key) {
    byte[] b = objects.get(BlobKeys.check(key));
    if (b == null) {
      throw StrataException.of(StatusCode.NOT_FOUND, "no object %s in %s", key, describe());
    }
    return b;
  }

  @Override
  public Optional<BlobInfo> head(String key) {
    byte[] b = objects.get(BlobKeys.check(key));
    return b == null ? Optional.empty() : Optional.of(new BlobInfo(key, b.length));
  }

  @Override
  public void delete(String key) {
    objects.remove(BlobKeys.check(key));
  }

  @Override
  public BlobPage list(String prefix, String startAfter, int limit) {
    Ranges.checkLimit(limit);
    BlobKeys.checkPrefix(prefix);
    String from = startAfter.compareTo(prefix) > 0 ? startAfter : prefix;
    List<BlobInfo> out = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : objects.tailMap(from, !from.equals(startAfter)).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      if (out.size() == limit) {
        return new BlobPage(out, true);
      }
      out.add(new BlobInfo(e.getKey(), e.getValue().length));
    }
    return new BlobPage(out, false);
  }

  @Override
  public String describe() {
    return "memory backend " + name;
  }

  @Override
  public void close() {}
}
