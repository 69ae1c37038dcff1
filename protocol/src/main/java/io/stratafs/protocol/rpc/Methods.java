package io.stratafs.protocol.rpc;

/** Method names on the wire, one place. */
public final class Methods {
  // Metadata service.
  public static final String META_LOOKUP = "meta.Lookup";
  public static final String META_GETATTR = "meta.GetAttr";
  public static final String META_SETATTR = "meta.SetAttr";
  public static final String META_CREATE = "meta.Create";
  public static final String META_MKNOD = "meta.Mknod";
  public static final String META_MKDIR = "meta.Mkdir";
  public static final String META_UNLINK = "meta.Unlink";
  public static final String META_RMDIR = "meta.Rmdir";
  public static final String META_SYMLINK = "meta.Symlink";
  public static final String META_READLINK = "meta.Readlink";
  public static final String META_LINK = "meta.Link";
  public static final String META_RENAME = "meta.Rename";
  public static final String META_READDIR = "meta.ReadDir";
  public static final String META_STATFS = "meta.StatFs";
  public static final String META_SETXATTR = "meta.SetXattr";
  public static final String META_GETXATTR = "meta.GetXattr";
  public static final String META_LISTXATTR = "meta.ListXattr";
  public static final String META_REMOVEXATTR = "meta.RemoveXattr";
  public static final String META_OPEN = "meta.Open";
  public static final String META_RELEASE = "meta.Release";
  public static final String META_ACCESS = "meta.Access";
  public static final String META_OPEN_SESSION = "meta.OpenSession";
  public static final String META_HEARTBEAT = "meta.Heartbeat";
  public static final String META_CLOSE_SESSION = "meta.CloseSession";
  public static final String META_GET_FS_INFO = "meta.GetFsInfo";
  public static final String META_GET_CHUNKS = "meta.GetChunks";
  public static final String META_ALLOC_CHUNKS = "meta.AllocChunks";
  public static final String META_COMMIT_WRITE = "meta.CommitWrite";
  public static final String META_EXCLUDE_REPLICA = "meta.ExcludeReplica";
  public static final String META_ENSURE_LOCAL_REPLICA = "meta.EnsureLocalReplica";
  public static final String META_SET_POLICY = "meta.SetPolicy";
  public static final String META_GET_POLICY = "meta.GetPolicy";
  public static final String META_LIST_POLICIES = "meta.ListPolicies";
  public static final String META_FSCK = "meta.Fsck";
  public static final String META_GETLK = "meta.GetLk";
  public static final String META_SETLK = "meta.SetLk";
  public static final String META_UNLOCK_OWNER = "meta.UnlockOwner";
  public static final String META_CANCEL_LOCK_WAIT = "meta.CancelLockWait";
  public static final String META_SYNC = "meta.Sync";

  // Storage daemon.
  public static final String STORAGE_WRITE = "storage.WriteChunk";
  public static final String STORAGE_READ = "storage.ReadChunk";
  public static final String STORAGE_TRUNCATE = "storage.TruncateChunk";
  public static final String STORAGE_DELETE = "storage.DeleteChunk";
  public static final String STORAGE_SYNC = "storage.SyncChunk";
  public static final String STORAGE_COPY = "storage.CopyChunk";
  public static final String STORAGE_UPLOAD = "storage.UploadChunk";
  public static final String STORAGE_RESTORE = "storage.RestoreChunk";
  public static final String STORAGE_READ_EXTERNAL = "storage.ReadExternal";
  public static final String STORAGE_DELETE_EXTERNAL = "storage.DeleteExternal";
  public static final String STORAGE_STAT = "storage.Stat";

  private Methods() {}
}
