package io.stratafs.storage.external;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keeps every key of the wrapped backend under one prefix ({@code s3://bucket/prefix}, several
 * filesystems in one bucket): callers see keys without it. The prefix is normalised to end with
 * {@code /}; an empty prefix wraps nothing.
 */
public final class PrefixedBackend implements BlobBackend {
  private final BlobBackend inner;
  private final String prefix;

  public PrefixedBackend(BlobBackend inner, String prefix) {
    this.inner = inner;
    String p = prefix;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (!p.isEmpty()) {
      BlobKeys.check(p);
      p = p + "/";
    }
    this.prefix = p;
  }

  /** The normalised prefix, empty or ending with {@code /}. */
  public String prefix() {
    return prefix;
  }

  private String full(String key) {
    return prefix + BlobKeys.check(key);
  }

  @Override
  public void put(String key, ByteBuffer data) {
    inner.put(full(key), data);
  }

  @Override
  public void put(String key, InputStream in, long length) {
    inner.put(full(key), in, length);
  }

  @Override
  public ByteBuffer get(String key) {
    return inner.get(full(key));
  }

  @Override
  public ByteBuffer get(String key, long offset, int length) {
    return inner.get(full(key), offset, length);
  }

  @Override
  public Optional<BlobInfo> head(String key) {
    return inner.head(full(key)).map(i -> new BlobInfo(key, i.length()));
  }

  @Override
  public void delete(String key) {
    inner.delete(full(key));
  }

  @Override
  public BlobPage list(String listPrefix, String startAfter, int limit) {
    BlobKeys.checkPrefix(listPrefix);
    // An empty startAfter stays empty: prefix + "" would sort before every key below it anyway.
    BlobPage page = inner.list(prefix + listPrefix, startAfter.isEmpty() ? "" : prefix + startAfter, limit);
    List<BlobInfo> out = new ArrayList<>(page.entries().size());
    for (BlobInfo i : page.entries()) {
      out.add(new BlobInfo(i.key().substring(prefix.length()), i.length()));
    }
    return new BlobPage(out, page.truncated());
  }

  @Override
  public String describe() {
    return inner.describe() + (prefix.isEmpty() ? "" : " under " + prefix);
  }

  @Override
  public void close() {
    inner.close();
  }
}
