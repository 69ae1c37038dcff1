package io.stratafs.fuse.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Supplementary groups of a caller, which the FUSE header does not carry: read from the
 * "Groups:" line of /proc/&lt;pid&gt;/status and cached per pid for a short while, because one
 * process issues bursts of requests. Root needs none (it passes every check); pid 0 (a request
 * the kernel makes on its own, or a pid outside our namespace) and unreadable status files give
 * none. Thread-safe.
 */
final class GroupResolver {
  private static final int[] NONE = new int[0];
  /** Bound on cached pids; past it, expired entries are dropped (then all, if needed). */
  private static final int MAX_CACHED = 4096;

  private record Cached(int[] groups, long expiresAtNanos) {}

  private final Path procRoot;
  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<Integer, Cached> byPid = new ConcurrentHashMap<>();

  GroupResolver(Path procRoot, long ttlNanos, LongSupplier nanoClock) {
    this.procRoot = procRoot;
    this.ttlNanos = ttlNanos;
    this.nanoClock = nanoClock;
  }

  static GroupResolver system() {
    return new GroupResolver(Path.of("/proc"), 1_000_000_000L, System::nanoTime);
  }

  int[] groupsOf(int uid, int pid) {
    if (uid == 0 || pid <= 0) {
      return NONE;
    }
    long now = nanoClock.getAsLong();
    Cached c = byPid.get(pid);
    if (c != null && now - c.expiresAtNanos() < 0) {
      return c.groups();
    }
    int[] groups = read(pid);
    if (byPid.size() >= MAX_CACHED) {
      byPid.values().removeIf(e -> now - e.expiresAtNanos() >= 0);
      if (byPid.size() >= MAX_CACHED) {
        byPid.clear();
      }
    }
    byPid.put(pid, new Cached(groups, now + ttlNanos));
    return groups;
  }

  private int[] read(int pid) {
    try {
      for (String line :
          Files.readAllLines(procRoot.resolve(Integer.toString(pid)).resolve("status"),
              StandardCharsets.ISO_8859_1)) {
        if (line.startsWith("Groups:")) {
          return parseGroupsLine(line);
        }
      }
    } catch (IOException | RuntimeException e) {
      // The process exited or lives in another pid namespace: no groups beyond its gid.
    }
    return NONE;
  }

  static int[] parseGroupsLine(String line) {
    String rest = line.substring("Groups:".length()).trim();
    if (rest.isEmpty()) {
      return NONE;
    }
    String[] parts = rest.split("\\s+");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Integer.parseUnsignedInt(parts[i]);
    }
    return out;
  }
}
