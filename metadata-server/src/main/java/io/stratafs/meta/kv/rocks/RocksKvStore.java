package io.stratafs.meta.kv.rocks;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.kv.Bytes;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvBatch;
import io.stratafs.meta.kv.KvEntry;
import io.stratafs.meta.kv.KvSnapshot;
import io.stratafs.meta.kv.KvStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * {@link KvStore} on RocksDB, one column family per {@link Cf}. Owns every native handle it creates
 * and closes them in {@link #close()}; thread-safe (RocksDB is).
 */
public final class RocksKvStore implements KvStore {
  static {
    RocksDB.loadLibrary();
  }

  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final RocksDB db;
  private final List<ColumnFamilyHandle> handles = new ArrayList<>();
  private final Map<Cf, ColumnFamilyHandle> byCf = new EnumMap<>(Cf.class);
  private final WriteOptions syncWrite = new WriteOptions().setSync(true);
  private final WriteOptions asyncWrite = new WriteOptions();

  private RocksKvStore(Path dir) throws RocksDBException {
    dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
    cfOptions = new ColumnFamilyOptions();
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
    for (Cf cf : Cf.values()) {
      descriptors.add(new ColumnFamilyDescriptor(cf.dbName().getBytes(), cfOptions));
    }
    db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
    for (Cf cf : Cf.values()) {
      byCf.put(cf, handles.get(cf.ordinal() + 1));
    }
  }

  /** Opens (creating if needed) the store in {@code dir}. */
  public static RocksKvStore open(Path dir) {
    try {
      Files.createDirectories(dir);
      return new RocksKvStore(dir);
    } catch (RocksDBException | java.io.IOException e) {
      throw new StrataException(
          StatusCode.IO_ERROR, "cannot open the metadata store in " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] get(Cf cf, byte[] key) {
    try {
      return db.get(byCf.get(cf), key);
    } catch (RocksDBException e) {
      throw ioError("get", e);
    }
  }

  @Override
  public List<KvEntry> scan(Cf cf, byte[] prefix, byte[] startAfter, int limit) {
    return scan(null, cf, prefix, startAfter, limit);
  }

  /**
   * Bounds the iterator by the prefix's successor: without a bound, a scan whose prefix has no
   * live key walks every deletion tombstone after it (the released opens and unlinked inodes of
   * a create/unlink workload) until the next live key or the end of the column family, which
   * made each unlink's open check cost time proportional to recent deletions.
   */
  private List<KvEntry> scan(Snapshot snap, Cf cf, byte[] prefix, byte[] startAfter, int limit) {
    List<KvEntry> out = new ArrayList<>();
    byte[] end = Bytes.prefixEnd(prefix);
    try (ReadOptions ro = new ReadOptions();
        Slice bound = end == null ? null : new Slice(end)) {
      if (snap != null) {
        ro.setSnapshot(snap);
      }
      if (bound != null) {
        ro.setIterateUpperBound(bound);
      }
      try (RocksIterator it = db.newIterator(byCf.get(cf), ro)) {
        boolean afterCursor = startAfter != null && Bytes.compare(startAfter, prefix) >= 0;
        it.seek(afterCursor ? startAfter : prefix);
        if (afterCursor && it.isValid() && Bytes.compare(it.key(), startAfter) == 0) {
          it.next();
        }
        for (; it.isValid() && out.size() < limit; it.next()) {
          byte[] k = it.key();
          if (!Bytes.startsWith(k, prefix)) {
            break;
          }
          out.add(new KvEntry(k, it.value()));
        }
        it.status();
      }
    } catch (RocksDBException e) {
      throw ioError("scan", e);
    }
    return out;
  }

  @Override
  public KvSnapshot snapshot() {
    Snapshot snap = db.getSnapshot();
    ReadOptions ro = new ReadOptions().setSnapshot(snap);
    return new KvSnapshot() {
      @Override
      public byte[] get(Cf cf, byte[] key) {
        try {
          return db.get(byCf.get(cf), ro, key);
        } catch (RocksDBException e) {
          throw ioError("get", e);
        }
      }

      @Override
      public List<KvEntry> scan(Cf cf, byte[] prefix, byte[] startAfter, int limit) {
        return RocksKvStore.this.scan(snap, cf, prefix, startAfter, limit);
      }

      @Override
      public void close() {
        ro.close();
        db.releaseSnapshot(snap);
      }
    };
  }

  @Override
  public void write(KvBatch batch, boolean sync) {
    try (WriteBatch wb = new WriteBatch()) {
      for (KvBatch.Op op : batch.ops()) {
        if (op.value() == null) {
          wb.delete(byCf.get(op.cf()), op.key());
        } else {
          wb.put(byCf.get(op.cf()), op.key(), op.value());
        }
      }
      db.write(sync ? syncWrite : asyncWrite, wb);
    } catch (RocksDBException e) {
      throw ioError("write", e);
    }
  }

  /** One fdatasync of the WAL; RocksDB lets it run beside unsynced writes. */
  @Override
  public void sync() {
    try {
      db.syncWal();
    } catch (RocksDBException e) {
      throw ioError("WAL sync", e);
    }
  }

  private static StrataException ioError(String what, RocksDBException e) {
    return new StrataException(
        StatusCode.IO_ERROR, "metadata store " + what + " failed: " + e.getMessage(), e);
  }

  @Override
  public void close() {
    syncWrite.close();
    asyncWrite.close();
    for (ColumnFamilyHandle h : handles) {
      h.close();
    }
    db.close();
    dbOptions.close();
    cfOptions.close();
  }
}
