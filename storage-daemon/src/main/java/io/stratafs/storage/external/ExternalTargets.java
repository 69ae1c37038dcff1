package io.stratafs.storage.external;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The external targets of one storage daemon by name, each backend opened on first use. Opening
 * touches no network (S3 clients connect per request), so a target that is down never stops the
 * daemon from starting: its calls fail UNAVAILABLE naming the endpoint instead. Thread-safe.
 */
public final class ExternalTargets implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExternalTargets.class);

  private final Map<String, ExternalTarget> targets = new LinkedHashMap<>();
  private final Map<String, BlobBackend> open = new LinkedHashMap<>();
  private final Function<ExternalTargetUri, BlobBackend> opener;
  private boolean closed;

  /** Targets opened with {@link ExternalBackends#open(ExternalTargetUri)} (credentials from the environment). */
  public ExternalTargets(List<ExternalTarget> targets) {
    this(targets, ExternalBackends::open);
  }

  public ExternalTargets(List<ExternalTarget> targets, Function<ExternalTargetUri, BlobBackend> opener) {
    for (ExternalTarget t : targets) {
      if (this.targets.putIfAbsent(t.name(), t) != null) {
        throw new IllegalArgumentException("external target name '" + t.name() + "' is used twice");
      }
    }
    this.opener = opener;
  }

  public List<ExternalTarget> list() {
    return List.copyOf(targets.values());
  }

  /**
   * The backend of target {@code name}, objects CRC-checked.
   *
   * @throws StrataException NOT_FOUND when this daemon has no such target
   */
  public synchronized BlobBackend backend(String name) {
    if (closed) {
      throw new StrataException(StatusCode.UNAVAILABLE, "external targets are closed (the daemon is stopping)");
    }
    BlobBackend b = open.get(name);
    if (b != null) {
      return b;
    }
    ExternalTarget t = targets.get(name);
    if (t == null) {
      throw StrataException.of(
          StatusCode.NOT_FOUND,
          "this storage daemon has no external target '%s' (it has: %s); start it with --external %s=URI"
              + " or ask a daemon that has it",
          name, targets.isEmpty() ? "none" : String.join(", ", targets.keySet()), name);
    }
    b = opener.apply(t.uri());
    open.put(name, b);
    return b;
  }

  @Override
  public synchronized void close() {
    closed = true;
    List<BlobBackend> toClose = new ArrayList<>(open.values());
    open.clear();
    for (BlobBackend b : toClose) {
      try {
        b.close();
      } catch (RuntimeException e) {
        LOG.warn("closing external backend {} failed: {}", b.describe(), e.toString());
      }
    }
  }
}
