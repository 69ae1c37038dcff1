package io.stratafs.tiering;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The policies every filesystem has (DESIGN.md), plus the operator-defined ones added to a copy. */
public final class BuiltinPolicies {
  public static final String DEFAULT = "hybrid";

  private static final Map<String, StoragePolicy> BUILTIN = new LinkedHashMap<>();

  static {
    add("hot=2xnvme|ssd:sync");
    add("hybrid=1xnvme|ssd|hdd:sync,1xs3|nas:async");
    add("safe=1xnvme|ssd|hdd:sync,1xs3|nas:sync");
    add("warm=1xssd:sync,1xhdd:sync");
    add("cold=1xs3|nas:sync");
    add("single=1xnvme|ssd|hdd:sync");
  }

  private BuiltinPolicies() {}

  private static void add(String definition) {
    StoragePolicy p = StoragePolicy.parse(definition);
    BUILTIN.put(p.name(), p);
  }

  public static Map<String, StoragePolicy> all() {
    return Map.copyOf(BUILTIN);
  }

  public static Optional<StoragePolicy> find(String name) {
    return Optional.ofNullable(BUILTIN.get(name));
  }

  /** Built-ins plus operator definitions; an operator may not redefine a built-in. */
  public static Map<String, StoragePolicy> withCustom(Iterable<String> definitions) {
    Map<String, StoragePolicy> all = new LinkedHashMap<>(BUILTIN);
    for (String d : definitions) {
      StoragePolicy p = StoragePolicy.parse(d);
      if (BUILTIN.containsKey(p.name())) {
        throw new IllegalArgumentException("'" + p.name() + "' is a built-in policy and cannot be redefined");
      }
      if (all.put(p.name(), p) != null) {
        throw new IllegalArgumentException("policy '" + p.name() + "' is defined twice");
      }
    }
    return all;
  }
}
