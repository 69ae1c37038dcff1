package io.stratafs.meta.policy;

import static io.stratafs.meta.schema.MetaSchema.xattrKey;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvReader;
import io.stratafs.tiering.BuiltinPolicies;
import io.stratafs.tiering.StoragePolicy;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The policies this cluster knows (built-ins plus the operator's definitions) and the one place
 * that validates a policy name, whether it arrives through SetPolicy or a plain setxattr.
 */
public final class Policies {
  /** The xattr that names a file's or directory's policy; copied to children at creation. */
  public static final String XATTR = "user.strata.policy";

  public static final byte[] XATTR_BYTES = XATTR.getBytes(StandardCharsets.UTF_8);

  private final Map<String, StoragePolicy> byName;

  /** @param definitions operator policies such as {@code "fast3=3xnvme:sync"} */
  public Policies(List<String> definitions) {
    try {
      this.byName = BuiltinPolicies.withCustom(definitions);
    } catch (IllegalArgumentException e) {
      throw StrataException.of(StatusCode.INVALID_ARGUMENT, "bad policy definition: %s", e.getMessage());
    }
  }

  public static Policies builtinOnly() {
    return new Policies(List.of());
  }

  public Collection<StoragePolicy> all() {
    return byName.values();
  }

  public StoragePolicy defaultPolicy() {
    return byName.get(BuiltinPolicies.DEFAULT);
  }

  /** The named policy, or INVALID_ARGUMENT (EINVAL) listing the valid names. */
  public StoragePolicy validate(String name) {
    StoragePolicy p = byName.get(name);
    if (p == null) {
      throw StrataException.of(
          StatusCode.INVALID_ARGUMENT, "unknown storage policy '%s': valid policies are %s", name,
          String.join(", ", byName.keySet()));
    }
    return p;
  }

  /** Checks a value about to be stored as {@link #XATTR}; other xattrs pass untouched. */
  public void validateXattr(byte[] name, byte[] value) {
    if (java.util.Arrays.equals(name, XATTR_BYTES)) {
      validate(new String(value, StandardCharsets.UTF_8));
    }
  }

  /** The explicitly stored policy name of an inode, or null. */
  public static String storedName(KvReader reader, long ino) {
    byte[] v = reader.get(Cf.XATTRS, xattrKey(ino, XATTR_BYTES));
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  /**
   * The policy an inode's chunks follow: its xattr, else the default. A stored name the cluster no
   * longer defines (an operator dropped a definition) also falls back to the default.
   */
  public StoragePolicy effective(KvReader reader, long ino) {
    String name = storedName(reader, ino);
    StoragePolicy p = name == null ? null : byName.get(name);
    return p == null ? defaultPolicy() : p;
  }
}
