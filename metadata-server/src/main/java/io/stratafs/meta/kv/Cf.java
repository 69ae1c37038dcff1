package io.stratafs.meta.kv;

/** The column families of the metadata store; the key layout of each is in MetaSchema. */
public enum Cf {
  INODES,
  DENTRIES,
  XATTRS,
  CHUNKS,
  SESSIONS,
  OPENS,
  GC,
  COUNTERS;

  /** Column family name on disk; stable once written. */
  public String dbName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
