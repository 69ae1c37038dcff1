package io.stratafs.cli.daemon;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.stratafs.cli.DurationConverter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The metadata server's replication knobs as the command line gives them ({@code strata meta} and
 * {@code strata up}): how long a storage daemon may be gone before its replicas are re-created
 * ({@code --heal-grace}), how long a written chunk waits before its external upload ({@code
 * --upload-delay}), and extra storage policies ({@code --policy NAME=DEF}). Null durations mean
 * the server's defaults (30 s, 2 s). Durations are kept as written ("30s") so cluster.json reads
 * as typed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplicationSettings(String healGrace, String uploadDelay, List<String> policies) {
  public static final ReplicationSettings DEFAULTS = new ReplicationSettings(null, null, List.of());
  private static final Pattern POLICY_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

  public ReplicationSettings {
    policies = policies == null ? List.of() : List.copyOf(policies);
  }

  /**
   * Checks the values; the policy definitions themselves are checked by the metadata server,
   * which knows the media and targets.
   *
   * @throws IllegalArgumentException naming the option and the bad value
   */
  public static ReplicationSettings of(String healGrace, String uploadDelay, List<String> policies) {
    if (healGrace != null) {
      check("--heal-grace", healGrace);
    }
    if (uploadDelay != null) {
      check("--upload-delay", uploadDelay);
    }
    Set<String> names = new HashSet<>();
    List<String> defs = new ArrayList<>();
    for (String p : policies == null ? List.<String>of() : policies) {
      int eq = p.indexOf('=');
      String name = eq < 0 ? p : p.substring(0, eq).trim();
      if (eq < 0 || eq == p.length() - 1) {
        throw new IllegalArgumentException("Invalid value for option '--policy': '" + p + "' is not NAME=DEFINITION (e.g. fast3=3xnvme)");
      }
      if (!POLICY_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "Invalid value for option '--policy': '" + name + "' is not a policy name: use lower-case letters, digits, '-' or '_', starting with a letter");
      }
      if (!names.add(name)) {
        throw new IllegalArgumentException("Invalid value for option '--policy': policy '" + name + "' is defined twice");
      }
      defs.add(name + "=" + p.substring(eq + 1).trim());
    }
    return new ReplicationSettings(healGrace, uploadDelay, defs);
  }

  private static void check(String option, String value) {
    try {
      DurationConverter.parse(value);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Invalid value for option '" + option + "': " + e.getMessage());
    }
  }

  /** The same settings as {@code strata meta} arguments. */
  public List<String> toArgs() {
    List<String> args = new ArrayList<>();
    if (healGrace != null) {
      args.addAll(List.of("--heal-grace", healGrace));
    }
    if (uploadDelay != null) {
      args.addAll(List.of("--upload-delay", uploadDelay));
    }
    for (String p : policies) {
      args.addAll(List.of("--policy", p));
    }
    return args;
  }

  /** --heal-grace in ms, or -1 for the server's default. */
  public long healGraceMillis() {
    return healGrace == null ? -1 : DurationConverter.parse(healGrace).toMillis();
  }

  /** --upload-delay in ms, or -1 for the server's default. */
  public long uploadDelayMillis() {
    return uploadDelay == null ? -1 : DurationConverter.parse(uploadDelay).toMillis();
  }
}
