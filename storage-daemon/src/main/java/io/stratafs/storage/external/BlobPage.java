package io.stratafs.storage.external;

import java.util.List;

/**
 * One page of a listing, ascending by key.
 *
 * @param truncated whether more objects follow: list again after the last key here
 */
public record BlobPage(List<BlobInfo> entries, boolean truncated) {
  public BlobPage {
    entries = List.copyOf(entries);
  }
}
