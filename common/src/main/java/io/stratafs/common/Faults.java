package io.stratafs.common;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named fault points, inert in production. Tests (or an operator with {@code
 * -Dstrata.faults=name1,name2}) arm a point; code calls {@code Faults.hit("storage.write.beforeFsync")}
 * at the spot where a crash or an error would hurt most.
 */
public final class Faults {
  /** What an armed point does when hit. */
  public interface Action {
    void run(String point);
  }

  private static final Map<String, Action> ARMED = new ConcurrentHashMap<>();

  static {
    String spec = System.getProperty("strata.faults", "");
    for (String p : spec.split(",")) {
      if (!p.isBlank()) {
        arm(p.trim(), point -> {
          throw StrataException.of(StatusCode.IO_ERROR, "fault injected at %s", point);
        });
      }
    }
  }

  private Faults() {}

  public static void hit(String point) {
    if (ARMED.isEmpty()) {
      return;
    }
    Action a = ARMED.get(point);
    if (a != null) {
      a.run(point);
    }
  }

  public static void arm(String point, Action action) {
    ARMED.put(point, action);
  }

  public static void disarm(String point) {
    ARMED.remove(point);
  }

  public static void disarmAll() {
    ARMED.clear();
  }
}
