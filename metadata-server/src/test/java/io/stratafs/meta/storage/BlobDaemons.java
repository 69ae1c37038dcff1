package io.stratafs.meta.storage;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.Replica;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Storage daemons as in-memory blob maps: local replicas by (storage id, device, chunk) and
 * external objects by (target, chunk, generation). Stands in for storage.CopyChunk, UploadChunk,
 * RestoreChunk and DeleteExternal until the storage daemon serves them (issue 4, built in
 * parallel); switch these tests to real daemons after the merge. Thread-safe.
 */
public final class BlobDaemons implements StorageRpc {
  /** Calls in order: "delete id", "truncate id len", "copy id from->to vN", "upload id target gN", ... */
  public final List<String> calls = new CopyOnWriteArrayList<>();
  /** Storage ids that answer UNAVAILABLE. */
  public final Set<String> down = ConcurrentHashMap.newKeySet();
  public final Map<String, byte[]> local = new ConcurrentHashMap<>();
  public final Map<String, Long> versions = new ConcurrentHashMap<>();
  public final Map<String, byte[]> external = new ConcurrentHashMap<>();
  /** Runs inside upload after the objects are stored and before it returns (to race a commit). */
  public volatile Consumer<Long> duringUpload = id -> {};
  /** Runs inside copy after the bytes are copied and before it returns (to race a commit). */
  public volatile Consumer<Long> duringCopy = id -> {};

  public static String localKey(Replica r, long chunkId) {
    return r.getStorageId() + "/" + r.getDevice() + "/" + chunkId;
  }

  public static String externalKey(String target, long chunkId, long generation) {
    return target + "/" + chunkId + "/" + generation;
  }

  public void put(Replica r, long chunkId, byte[] data) {
    local.put(localKey(r, chunkId), data);
  }

  public byte[] get(Replica r, long chunkId) {
    return local.get(localKey(r, chunkId));
  }

  private void up(Replica r) {
    if (down.contains(r.getStorageId())) {
      throw StrataException.of(StatusCode.UNAVAILABLE, "%s is down", r.getStorageId());
    }
  }

  @Override
  public void delete(Replica r, long chunkId) {
    up(r);
    calls.add("delete " + chunkId);
    local.remove(localKey(r, chunkId));
  }

  @Override
  public void truncate(Replica r, long chunkId, long length) {
    up(r);
    calls.add("truncate " + chunkId + " " + length);
    local.computeIfPresent(localKey(r, chunkId), (k, v) -> Arrays.copyOf(v, (int) Math.min(v.length, length)));
  }

  @Override
  public long copy(Replica source, long chunkId, long newVersion, Replica dest) {
    up(source);
    up(dest);
    calls.add("copy " + chunkId + " " + source.getStorageId() + "->" + dest.getStorageId() + " v" + newVersion);
    byte[] data = local.getOrDefault(localKey(source, chunkId), new byte[0]);
    versions.put(localKey(source, chunkId), newVersion);
    local.put(localKey(dest, chunkId), data.clone());
    versions.put(localKey(dest, chunkId), newVersion);
    duringCopy.accept(chunkId);
    return data.length;
  }

  @Override
  public long upload(Replica source, long chunkId, String target, long generation) {
    up(source);
    calls.add("upload " + chunkId + " " + target + " g" + generation);
    byte[] data = local.get(localKey(source, chunkId));
    if (data == null) {
      throw StrataException.of(StatusCode.NOT_FOUND, "chunk %d not on %s", chunkId, source.getStorageId());
    }
    external.put(externalKey(target, chunkId, generation), data.clone());
    duringUpload.accept(chunkId);
    return data.length;
  }

  @Override
  public long restore(Replica dest, long chunkId, String target, long generation, long length, long version) {
    up(dest);
    calls.add("restore " + chunkId + " " + target + " g" + generation + " -> " + dest.getStorageId() + " v" + version);
    byte[] data = external.get(externalKey(target, chunkId, generation));
    if (data == null) {
      throw StrataException.of(StatusCode.NOT_FOUND, "no generation %d of chunk %d on %s", generation, chunkId, target);
    }
    local.put(localKey(dest, chunkId), Arrays.copyOf(data, (int) length));
    versions.put(localKey(dest, chunkId), version);
    return length;
  }

  @Override
  public void deleteExternal(Replica via, long chunkId, String target, long keepFrom) {
    up(via);
    calls.add("deleteExternal " + chunkId + " " + target + " <" + keepFrom);
    String prefix = target + "/" + chunkId + "/";
    external.keySet().removeIf(k -> k.startsWith(prefix)
        && (keepFrom == 0 || Long.parseLong(k.substring(prefix.length())) < keepFrom));
  }
}
