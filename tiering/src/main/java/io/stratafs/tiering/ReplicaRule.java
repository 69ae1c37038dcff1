package io.stratafs.tiering;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One line of a storage policy: {@code count} replicas on any of {@code media}, acknowledged
 * synchronously (before write/fsync returns) or asynchronously (within the policy's lag bound).
 */
public record ReplicaRule(Set<Media> media, int count, boolean sync) {
  public ReplicaRule {
    if (media.isEmpty()) {
      throw new IllegalArgumentException("a replica rule needs at least one media");
    }
    if (count < 1 || count > 8) {
      throw new IllegalArgumentException("replica count must be 1..8, got " + count);
    }
    boolean anyLocal = media.stream().anyMatch(Media::isLocal);
    boolean anyExternal = media.stream().anyMatch(Media::isExternal);
    if (anyLocal && anyExternal) {
      throw new IllegalArgumentException(
          "a rule mixes local and external media (" + media + "): split it into two rules");
    }
    media = Set.copyOf(EnumSet.copyOf(media));
  }

  public boolean isExternal() {
    return media.iterator().next().isExternal();
  }

  /**
   * Parses {@code "2xnvme|ssd:sync"}, {@code "1xs3:async"}; the count defaults to 1 and the mode to
   * sync: {@code "hdd"} is one synchronous HDD replica.
   */
  public static ReplicaRule parse(String text) {
    String s = text.trim();
    boolean sync = true;
    int colon = s.lastIndexOf(':');
    if (colon >= 0) {
      String mode = s.substring(colon + 1).trim();
      sync = switch (mode) {
        case "sync" -> true;
        case "async" -> false;
        default -> throw new IllegalArgumentException(
            "replica mode must be 'sync' or 'async', got '" + mode + "' in '" + text + "'");
      };
      s = s.substring(0, colon);
    }
    int count = 1;
    int x = s.indexOf('x');
    if (x > 0 && s.substring(0, x).chars().allMatch(Character::isDigit)) {
      count = Integer.parseInt(s.substring(0, x));
      s = s.substring(x + 1);
    }
    EnumSet<Media> media = EnumSet.noneOf(Media.class);
    for (String m : s.split("\\|")) {
      media.add(Media.parse(m));
    }
    return new ReplicaRule(media, count, sync);
  }

  @Override
  public String toString() {
    return count
        + "x"
        + media.stream().map(Media::label).sorted().collect(Collectors.joining("|"))
        + (sync ? ":sync" : ":async");
  }
}
