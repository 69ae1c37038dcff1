package io.stratafs.meta.storage;

import io.stratafs.protocol.meta.ChunkInfo;
import io.stratafs.protocol.meta.ExternalCopy;

/** What a chunk record says about its external copies (docs/adr/017). Stateless. */
public final class ChunkStates {
  private ChunkStates() {}

  /** An external copy holds the chunk's latest committed data: something uploaded, nothing written since. */
  public static boolean isCurrent(ChunkInfo c, ExternalCopy e) {
    return e.getGeneration() > 0 && e.getUploadedSeq() == c.getDirtySeq();
  }

  /** Whether the copy misses writes that were committed (it needs an upload). */
  public static boolean isBehind(ChunkInfo c, ExternalCopy e) {
    return e.getUploadedSeq() != c.getDirtySeq();
  }

  public static boolean hasCurrentExternal(ChunkInfo c) {
    return c.getExternalsList().stream().anyMatch(e -> isCurrent(c, e));
  }

  /** No external copy misses a committed write (vacuously true without externals). */
  public static boolean noneBehind(ChunkInfo c) {
    return c.getExternalsList().stream().noneMatch(e -> isBehind(c, e));
  }

  /** The first current external copy, or null. */
  public static ExternalCopy currentExternal(ChunkInfo c) {
    return c.getExternalsList().stream().filter(e -> isCurrent(c, e)).findFirst().orElse(null);
  }
}
