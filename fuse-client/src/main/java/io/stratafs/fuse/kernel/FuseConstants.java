package io.stratafs.fuse.kernel;

/**
 * Numbers of the kernel FUSE protocol, copied from {@code linux/fuse.h} (7.38): opcodes, INIT
 * flags, setattr bits and the sizes of the fixed structs this adapter reads and writes.
 */
final class FuseConstants {
  static final int KERNEL_MAJOR = 7;
  /** Highest minor this adapter implements; the kernel's is negotiated down to it. */
  static final int IMPLEMENTED_MINOR = 38;
  /** Oldest minor whose struct layouts this adapter writes (full-size entry/attr/init replies). */
  static final int MINIMUM_MINOR = 31;

  static final long ROOT_ID = 1;

  // Opcodes (enum fuse_opcode).
  static final int LOOKUP = 1;
  static final int FORGET = 2;
  static final int GETATTR = 3;
  static final int SETATTR = 4;
  static final int READLINK = 5;
  static final int SYMLINK = 6;
  static final int MKNOD = 8;
  static final int MKDIR = 9;
  static final int UNLINK = 10;
  static final int RMDIR = 11;
  static final int RENAME = 12;
  static final int LINK = 13;
  static final int OPEN = 14;
  static final int READ = 15;
  static final int WRITE = 16;
  static final int STATFS = 17;
  static final int RELEASE = 18;
  static final int FSYNC = 20;
  static final int SETXATTR = 21;
  static final int GETXATTR = 22;
  static final int LISTXATTR = 23;
  static final int REMOVEXATTR = 24;
  static final int FLUSH = 25;
  static final int INIT = 26;
  static final int OPENDIR = 27;
  static final int READDIR = 28;
  static final int RELEASEDIR = 29;
  static final int FSYNCDIR = 30;
  static final int GETLK = 31;
  static final int SETLK = 32;
  static final int SETLKW = 33;
  static final int ACCESS = 34;
  static final int CREATE = 35;
  static final int INTERRUPT = 36;
  static final int BMAP = 37;
  static final int DESTROY = 38;
  static final int IOCTL = 39;
  static final int POLL = 40;
  static final int NOTIFY_REPLY = 41;
  static final int BATCH_FORGET = 42;
  static final int FALLOCATE = 43;
  static final int READDIRPLUS = 44;
  static final int RENAME2 = 45;
  static final int LSEEK = 46;
  static final int COPY_FILE_RANGE = 47;
  static final int SETUPMAPPING = 48;
  static final int REMOVEMAPPING = 49;
  static final int SYNCFS = 50;
  static final int TMPFILE = 51;
  static final int STATX = 52;
  /** Opcodes are small; stats and dispatch tables are indexed by them up to this bound. */
  static final int OPCODE_LIMIT = 64;

  // INIT flags (fuse_init_in/out.flags; bits 32..63 travel in flags2 under FUSE_INIT_EXT).
  static final long ASYNC_READ = 1L << 0;
  static final long POSIX_LOCKS = 1L << 1;
  static final long ATOMIC_O_TRUNC = 1L << 3;
  static final long EXPORT_SUPPORT = 1L << 4;
  static final long BIG_WRITES = 1L << 5;
  static final long DONT_MASK = 1L << 6;
  static final long FLOCK_LOCKS = 1L << 10;
  static final long AUTO_INVAL_DATA = 1L << 12;
  static final long DO_READDIRPLUS = 1L << 13;
  static final long READDIRPLUS_AUTO = 1L << 14;
  static final long WRITEBACK_CACHE = 1L << 16;
  static final long PARALLEL_DIROPS = 1L << 18;
  static final long MAX_PAGES = 1L << 22;
  static final long CACHE_SYMLINKS = 1L << 23;
  /** The filesystem clears suid/sgid on write, truncate and chown; the superblock becomes SB_NOSEC. */
  static final long HANDLE_KILLPRIV_V2 = 1L << 28;
  static final long SETXATTR_EXT = 1L << 29;
  static final long INIT_EXT = 1L << 30;

  // Setattr valid bits (FATTR_*).
  static final int FATTR_MODE = 1 << 0;
  static final int FATTR_UID = 1 << 1;
  static final int FATTR_GID = 1 << 2;
  static final int FATTR_SIZE = 1 << 3;
  static final int FATTR_ATIME = 1 << 4;
  static final int FATTR_MTIME = 1 << 5;
  static final int FATTR_FH = 1 << 6;
  static final int FATTR_ATIME_NOW = 1 << 7;
  static final int FATTR_MTIME_NOW = 1 << 8;
  static final int FATTR_LOCKOWNER = 1 << 9;
  static final int FATTR_CTIME = 1 << 10;
  static final int FATTR_KILL_SUIDGID = 1 << 11;

  static final int GETATTR_FH = 1;
  static final int FSYNC_FDATASYNC = 1;
  /** fuse_lk_in.lk_flags: the lock is a flock(2) lock, not a POSIX one. */
  static final int LK_FLOCK = 1 << 0;
  /** fuse_release_in.release_flags: drop the flock lock of lock_owner. */
  static final int RELEASE_FLOCK_UNLOCK = 1 << 1;

  // Fixed struct sizes (bytes).
  static final int IN_HEADER_SIZE = 40;
  static final int OUT_HEADER_SIZE = 16;
  static final int ATTR_SIZE = 88;
  static final int ENTRY_OUT_SIZE = 40 + ATTR_SIZE;
  static final int ATTR_OUT_SIZE = 16 + ATTR_SIZE;
  static final int OPEN_OUT_SIZE = 16;
  static final int LK_OUT_SIZE = 24;
  static final int INIT_OUT_SIZE = 64;
  static final int KSTATFS_SIZE = 80;
  static final int DIRENT_NAME_OFFSET = 24;
  static final int DIRENTPLUS_NAME_OFFSET = ENTRY_OUT_SIZE + DIRENT_NAME_OFFSET;

  /** Pages per request this adapter asks for with FUSE_MAX_PAGES: 256 x 4 KiB = 1 MiB. */
  static final int MAX_PAGES_WANTED = 256;
  static final int PAGE_SIZE = 4096;
  static final int MAX_WRITE = MAX_PAGES_WANTED * PAGE_SIZE;
  /**
   * Room for the largest request: the in header, fuse_write_in, max_write data, and a page of
   * slack for extensions; the kernel refuses reads into buffers smaller than header+write_in+max_write.
   */
  static final int REQUEST_BUFFER_SIZE = MAX_WRITE + 2 * PAGE_SIZE;
  /** Room for the largest reply: a READ of max_read (= max_write) bytes plus the out header. */
  static final int REPLY_BUFFER_SIZE = MAX_WRITE + PAGE_SIZE;

  private FuseConstants() {}

  /** A short name for logs and stats. */
  static String opcodeName(int opcode) {
    return switch (opcode) {
      case LOOKUP -> "LOOKUP";
      case FORGET -> "FORGET";
      case GETATTR -> "GETATTR";
      case SETATTR -> "SETATTR";
      case READLINK -> "READLINK";
      case SYMLINK -> "SYMLINK";
      case MKNOD -> "MKNOD";
      case MKDIR -> "MKDIR";
      case UNLINK -> "UNLINK";
      case RMDIR -> "RMDIR";
      case RENAME -> "RENAME";
      case LINK -> "LINK";
      case OPEN -> "OPEN";
      case READ -> "READ";
      case WRITE -> "WRITE";
      case STATFS -> "STATFS";
      case RELEASE -> "RELEASE";
      case FSYNC -> "FSYNC";
      case SETXATTR -> "SETXATTR";
      case GETXATTR -> "GETXATTR";
      case LISTXATTR -> "LISTXATTR";
      case REMOVEXATTR -> "REMOVEXATTR";
      case FLUSH -> "FLUSH";
      case INIT -> "INIT";
      case OPENDIR -> "OPENDIR";
      case READDIR -> "READDIR";
      case RELEASEDIR -> "RELEASEDIR";
      case FSYNCDIR -> "FSYNCDIR";
      case GETLK -> "GETLK";
      case SETLK -> "SETLK";
      case SETLKW -> "SETLKW";
      case ACCESS -> "ACCESS";
      case CREATE -> "CREATE";
      case INTERRUPT -> "INTERRUPT";
      case BMAP -> "BMAP";
      case DESTROY -> "DESTROY";
      case IOCTL -> "IOCTL";
      case POLL -> "POLL";
      case NOTIFY_REPLY -> "NOTIFY_REPLY";
      case BATCH_FORGET -> "BATCH_FORGET";
      case FALLOCATE -> "FALLOCATE";
      case READDIRPLUS -> "READDIRPLUS";
      case RENAME2 -> "RENAME2";
      case LSEEK -> "LSEEK";
      case COPY_FILE_RANGE -> "COPY_FILE_RANGE";
      case SETUPMAPPING -> "SETUPMAPPING";
      case REMOVEMAPPING -> "REMOVEMAPPING";
      case SYNCFS -> "SYNCFS";
      case TMPFILE -> "TMPFILE";
      case STATX -> "STATX";
      default -> "OP_" + opcode;
    };
  }
}
