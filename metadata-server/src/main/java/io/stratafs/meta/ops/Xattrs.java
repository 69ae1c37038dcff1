package io.stratafs.meta.ops;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.schema.InodeRecord;
import io.stratafs.protocol.meta.Caller;
import java.nio.charset.StandardCharsets;

/** Limits and permission rules shared by the xattr operations (as ext4 on Linux). */
final class Xattrs {
  static final int NAME_MAX = 255;
  static final int VALUE_MAX = 64 * 1024;

  private Xattrs() {}

  static void validateName(byte[] name) {
    if (name.length == 0) {
      throw StrataException.of(StatusCode.INVALID_ARGUMENT, "empty xattr name");
    }
    if (name.length > NAME_MAX) {
      throw StrataException.of(StatusCode.RANGE, "xattr name is %d bytes; at most %d", name.length, NAME_MAX);
    }
    String n = new String(name, StandardCharsets.UTF_8);
    for (String ns : NAMESPACES) {
      if (n.equals(ns)) {
        throw StrataException.of(StatusCode.INVALID_ARGUMENT, "xattr name '%s' has a namespace but no name", n);
      }
      if (n.startsWith(ns)) {
        return;
      }
    }
    // As ext4: names outside user/trusted/security have no handler. system.* holds POSIX ACLs and
    // other kernel-interpreted attributes, which StrataFS does not implement.
    throw StrataException.of(StatusCode.NOT_SUPPORTED, "xattr namespace of '%s' is not supported", n);
  }

  private static final String[] NAMESPACES = {"user.", "trusted.", "security."};

  /** trusted.* is root's; other namespaces follow the file's read or write permission. */
  static void check(Caller c, InodeRecord r, byte[] name, int mask) {
    String n = new String(name, StandardCharsets.UTF_8);
    if (n.startsWith("trusted.") && !Perms.isRoot(c)) {
      throw StrataException.of(StatusCode.PERMISSION_DENIED, "trusted.* xattrs are root's");
    }
    if (n.startsWith("user.") && mask == Perms.W && !r.isDir() && r.type() != InodeRecord.S_IFREG) {
      throw StrataException.of(
          StatusCode.PERMISSION_DENIED, "user.* xattrs exist only on regular files and directories");
    }
    Perms.check(c, r, mask, mask == Perms.W ? "change xattrs of" : "read xattrs of");
  }
}
