package io.stratafs.fuse.kernel;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.fuse.vfs.Interruption;
import io.stratafs.fuse.vfs.VfsContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One request as read from the device: the fuse_in_header fields and the op's arguments, a
 * little-endian view of the worker's request buffer positioned after the header. Valid only until
 * the worker reads the next request. {@link #markInterrupted()} may be called from another worker.
 */
final class FuseRequest implements Interruption {
  final int opcode;
  final long unique;
  final long nodeId;
  final int uid;
  final int gid;
  final int pid;
  /** Arguments: position at the op's struct, limit before any header extensions. */
  final ByteBuffer args;

  private final GroupResolver groups;
  private VfsContext context;
  private volatile boolean interrupted;
  private Runnable onInterrupt; // guarded by this
  /** The descriptor the request was read from: its reply must go back through it. */
  FuseDevice device;

  FuseRequest(
      int opcode,
      long unique,
      long nodeId,
      int uid,
      int gid,
      int pid,
      ByteBuffer args,
      GroupResolver groups) {
    this.opcode = opcode;
    this.unique = unique;
    this.nodeId = nodeId;
    this.uid = uid;
    this.gid = gid;
    this.pid = pid;
    this.args = args;
    this.groups = groups;
  }

  /** Decodes the header of the request held in {@code buf} (position 0, limit = bytes read). */
  static FuseRequest decode(ByteBuffer buf, GroupResolver groups) {
    ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (b.limit() < FuseConstants.IN_HEADER_SIZE) {
      throw new StrataException(
          StatusCode.PROTOCOL_ERROR, "short FUSE request of " + b.limit() + " bytes");
    }
    int len = b.getInt(0);
    int opcode = b.getInt(4);
    long unique = b.getLong(8);
    long nodeId = b.getLong(16);
    int uid = b.getInt(24);
    int gid = b.getInt(28);
    int pid = b.getInt(32);
    int extLen = Short.toUnsignedInt(b.getShort(36)) * 8;
    if (len != b.limit() || len - extLen < FuseConstants.IN_HEADER_SIZE) {
      throw new StrataException(
          StatusCode.PROTOCOL_ERROR,
          "FUSE request length " + len + " does not match the " + b.limit() + " bytes read");
    }
    b.limit(len - extLen).position(FuseConstants.IN_HEADER_SIZE);
    ByteBuffer args = b.slice().order(ByteOrder.LITTLE_ENDIAN);
    return new FuseRequest(opcode, unique, nodeId, uid, gid, pid, args, groups);
  }

  /** The caller, with supplementary groups looked up on first use. */
  VfsContext context() {
    if (context == null) {
      context = new VfsContext(uid, gid, pid, groups.groupsOf(uid, pid));
    }
    return context;
  }

  /** Reads a NUL-terminated name from the arguments and steps past the NUL. */
  byte[] name() {
    int start = args.position();
    int end = start;
    while (end < args.limit() && args.get(end) != 0) {
      end++;
    }
    if (end == args.limit()) {
      throw new StrataException(
          StatusCode.PROTOCOL_ERROR, FuseConstants.opcodeName(opcode) + ": name without NUL");
    }
    byte[] name = new byte[end - start];
    args.get(start, name);
    args.position(end + 1);
    return name;
  }

  /** Reads exactly {@code n} raw bytes from the arguments. */
  byte[] bytes(int n) {
    if (n < 0 || n > args.remaining()) {
      throw new StrataException(
          StatusCode.PROTOCOL_ERROR,
          FuseConstants.opcodeName(opcode) + ": " + n + " bytes announced, "
              + args.remaining() + " present");
    }
    byte[] out = new byte[n];
    args.get(out);
    return out;
  }

  void markInterrupted() {
    Runnable action;
    synchronized (this) {
      if (interrupted) {
        return;
      }
      interrupted = true;
      action = onInterrupt;
    }
    if (action != null) {
      action.run();
    }
  }

  /** Whether the kernel asked to interrupt this request (the caller got a signal). */
  @Override
  public boolean interrupted() {
    return interrupted;
  }

  @Override
  public void onInterrupt(Runnable action) {
    synchronized (this) {
      if (!interrupted) {
        onInterrupt = action;
        return;
      }
    }
    action.run();
  }

  @Override
  public String toString() {
    return FuseConstants.opcodeName(opcode) + "#" + unique + " node=" + nodeId + " uid=" + uid
        + " pid=" + pid;
  }
}
