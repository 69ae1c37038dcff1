package io.stratafs.storage.external;

import io.stratafs.common.StrataException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A flat store of immutable objects named by keys ({@link BlobKeys} says which keys are valid).
 * Implementations are strategies (a directory, S3, memory); checksums and key prefixes are
 * decorators that wrap any of them. Every method is thread-safe and blocking.
 *
 * <p>Errors are {@link StrataException}s: {@code NOT_FOUND} for a missing object, {@code
 * ACCESS_DENIED} when the store refuses our credentials, {@code UNAVAILABLE} when it cannot be
 * reached, {@code CORRUPT} when a decorator detects damaged content, {@code IO_ERROR} otherwise;
 * each message names the backend and the key.
 */
public interface BlobBackend extends AutoCloseable {

  /**
   * Stores {@code data} (its remaining bytes; position untouched) under {@code key}, replacing
   * any object there. Atomic: a reader sees the old object or the whole new one, never a part.
   */
  void put(String key, ByteBuffer data);

  /** Stores exactly {@code length} bytes read from {@code in}; atomic as {@link #put(String, ByteBuffer)}. */
  void put(String key, InputStream in, long length);

  /** The whole object. NOT_FOUND when there is none. */
  ByteBuffer get(String key);

  /**
   * Up to {@code length} bytes starting at {@code offset}, fewer at the object's end and none at
   * or past it (as {@code pread}). NOT_FOUND when there is no object.
   */
  ByteBuffer get(String key, long offset, int length);

  /** The object's key and length, or empty when there is none. */
  Optional<BlobInfo> head(String key);

  default boolean exists(String key) {
    return head(key).isPresent();
  }

  /** Removes the object; removing a missing object succeeds (idempotent). */
  void delete(String key);

  /**
   * One page of the objects whose keys start with {@code prefix} and sort after {@code
   * startAfter} (empty: from the first), ascending in byte order, at most {@code limit} (≥ 1);
   * a backend may return fewer (S3 caps a page at 1,000). Continue with the last key of a
   * truncated page as the next {@code startAfter}.
   */
  BlobPage list(String prefix, String startAfter, int limit);

  /** Every object under {@code prefix}, fetched lazily one page of {@code pageSize} at a time. */
  default Stream<BlobInfo> stream(String prefix, int pageSize) {
    Iterator<BlobInfo> it =
        new Iterator<>() {
          private BlobPage page = list(prefix, "", pageSize);
          private int next;

          @Override
          public boolean hasNext() {
            if (next < page.entries().size()) {
              return true;
            }
            if (!page.truncated() || page.entries().isEmpty()) {
              return false;
            }
            page = list(prefix, page.entries().getLast().key(), pageSize);
            next = 0;
            return !page.entries().isEmpty();
          }

          @Override
          public BlobInfo next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return page.entries().get(next++);
          }
        };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(
            it, Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL),
        false);
  }

  /** Where this backend stores objects, for messages ({@code s3://bucket at http://...}). */
  String describe();

  /** Releases clients and threads; the objects stay. */
  @Override
  void close();
}
