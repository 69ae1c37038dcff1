package io.stratafs.cli.cluster;

import io.stratafs.storage.external.ExternalTargetUri;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An external target of the embedded cluster ({@code strata up --external [NAME=]URI}): every
 * storage daemon is started with {@code --external NAME=URI}, and policies refer to the target's
 * media (s3, nas). Unnamed targets are named ext1, ext2... by their position.
 */
public record ExternalTarget(String name, String uri) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

  /** The {@code NAME=URI} form the storage command takes. */
  public String flagValue() {
    return name + "=" + uri;
  }

  /**
   * Parses the values of repeated {@code --external} options.
   *
   * @throws IllegalArgumentException with a message naming the bad value
   */
  public static List<ExternalTarget> parseAll(List<String> values) {
    List<ExternalTarget> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < values.size(); i++) {
      ExternalTarget t = parse(values.get(i), "ext" + (i + 1));
      if (!names.add(t.name())) {
        throw new IllegalArgumentException("external target name '" + t.name() + "' is given twice");
      }
      out.add(t);
    }
    return out;
  }

  static ExternalTarget parse(String value, String defaultName) {
    String v = value.trim();
    int eq = v.indexOf('=');
    int scheme = v.indexOf("://");
    // NAME=URI when '=' comes before the scheme (a URI's query may contain '=' too).
    boolean named = eq > 0 && (scheme < 0 || eq < scheme);
    String name = named ? v.substring(0, eq) : defaultName;
    String uri = named ? v.substring(eq + 1) : v;
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "'" + name + "' in '" + value + "' is not a target name: use lower-case letters, digits, '-' or '_', starting with a letter (at most 32)");
    }
    ExternalTargetUri.parse(uri); // the storage daemon parses it again; fail here, before starting anything
    return new ExternalTarget(name, uri);
  }
}
