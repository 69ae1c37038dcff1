package io.stratafs.tiering;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where a file's replicas live: a name and an ordered list of rules. The first local rule's first
 * replica goes to the writer's node (affinity). Policies are set per directory and inherited.
 */
public record StoragePolicy(String name, List<ReplicaRule> rules) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

  public StoragePolicy {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "policy name must match " + NAME.pattern() + ", got '" + name + "'");
    }
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("policy '" + name + "' has no replica rule");
    }
    if (rules.stream().noneMatch(ReplicaRule::sync)) {
      throw new IllegalArgumentException(
          "policy '" + name + "' has no synchronous replica: an fsync could not be made durable");
    }
    rules = List.copyOf(rules);
  }

  public int totalReplicas() {
    return rules.stream().mapToInt(ReplicaRule::count).sum();
  }

  public int localReplicas() {
    return rules.stream().filter(r -> !r.isExternal()).mapToInt(ReplicaRule::count).sum();
  }

  public boolean hasExternal() {
    return rules.stream().anyMatch(ReplicaRule::isExternal);
  }

  /** Parses {@code "name=rule,rule"}, e.g. {@code "fast3=3xnvme:sync"}. */
  public static StoragePolicy parse(String definition) {
    int eq = definition.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(
          "policy definition must look like 'name=2xssd:sync,1xs3:async', got '" + definition + "'");
    }
    List<ReplicaRule> rules =
        Pattern.compile(",").splitAsStream(definition.substring(eq + 1)).map(ReplicaRule::parse).toList();
    return new StoragePolicy(definition.substring(0, eq).trim(), rules);
  }

  @Override
  public String toString() {
    return name + "=" + rules.stream().map(ReplicaRule::toString).collect(Collectors.joining(","));
  }
}
