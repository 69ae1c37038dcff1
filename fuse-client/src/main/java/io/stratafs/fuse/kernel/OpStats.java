package io.stratafs.fuse.kernel;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/** Per-opcode counters: calls, errors and total time. Thread-safe (LongAdders). */
public final class OpStats {
  /** One opcode's totals at the time of the snapshot. */
  public record OpCount(long calls, long errors, long totalNanos) {}

  private final LongAdder[] calls = new LongAdder[FuseConstants.OPCODE_LIMIT + 1];
  private final LongAdder[] errors = new LongAdder[FuseConstants.OPCODE_LIMIT + 1];
  private final LongAdder[] nanos = new LongAdder[FuseConstants.OPCODE_LIMIT + 1];

  OpStats() {
    for (int i = 0; i <= FuseConstants.OPCODE_LIMIT; i++) {
      calls[i] = new LongAdder();
      errors[i] = new LongAdder();
      nanos[i] = new LongAdder();
    }
  }

  /** Unknown opcodes are counted in the last slot. */
  private static int slot(int opcode) {
    return opcode >= 0 && opcode < FuseConstants.OPCODE_LIMIT ? opcode : FuseConstants.OPCODE_LIMIT;
  }

  void record(int opcode, long elapsedNanos, boolean failed) {
    int s = slot(opcode);
    calls[s].increment();
    nanos[s].add(elapsedNanos);
    if (failed) {
      errors[s].increment();
    }
  }

  /** Opcodes seen so far, by name. */
  public Map<String, OpCount> snapshot() {
    Map<String, OpCount> out = new TreeMap<>();
    for (int i = 0; i <= FuseConstants.OPCODE_LIMIT; i++) {
      long n = calls[i].sum();
      if (n > 0) {
        String name = i == FuseConstants.OPCODE_LIMIT ? "UNKNOWN" : FuseConstants.opcodeName(i);
        out.put(name, new OpCount(n, errors[i].sum(), nanos[i].sum()));
      }
    }
    return out;
  }

  public long calls(String opName) {
    OpCount c = snapshot().get(opName);
    return c == null ? 0 : c.calls();
  }
}
