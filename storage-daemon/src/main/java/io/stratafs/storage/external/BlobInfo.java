package io.stratafs.storage.external;

/** An object's key and length in bytes, as {@link BlobBackend#head} and list pages report it. */
public record BlobInfo(String key, long length) {
  public BlobInfo {
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length + " of " + key);
    }
  }
}
