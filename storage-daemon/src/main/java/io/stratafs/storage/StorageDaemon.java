package io.stratafs.storage;

import io.stratafs.common.LifeCycle;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.InProcessAddress;
import io.stratafs.storage.chunk.ChunkStore;
import io.stratafs.storage.chunk.Scrubber;
import io.stratafs.storage.external.ExternalTargets;
import io.stratafs.storage.rpc.StorageService;
import io.stratafs.storage.zk.StorageRegistrar;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A storage daemon: its {@link ChunkStore}, its external targets, the RPC endpoint serving them,
 * the {@link Scrubber} and its ZooKeeper registration, started in that order and closed in
 * reverse. Thread-safe.
 */
public final class StorageDaemon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StorageDaemon.class);

  private final StorageConfig cfg;
  private final LifeCycle lifeCycle;
  private ChunkStore store;
  private ExternalTargets externals;
  private Scrubber scrubber;
  private StorageService service;
  private StorageRegistrar registrar;

  private StorageDaemon(StorageConfig cfg) {
    this.cfg = cfg;
    this.lifeCycle = new LifeCycle("storage-" + cfg.storageId());
  }

  /**
   * Opens the devices, serves RPC on {@code bindHost:port} and registers in ZooKeeper.
   *
   * @throws StrataException if a device belongs to another storage id, cannot be opened, or
   *     ZooKeeper cannot be reached; everything started so far is closed again
   */
  public static StorageDaemon start(StorageConfig cfg) {
    StorageDaemon d = new StorageDaemon(cfg);
    d.lifeCycle.transition(LifeCycle.State.STARTING);
    try {
      d.store = ChunkStore.open(cfg.storageId(), cfg.devices());
      // Backends open lazily and touch no network here: a target that is down never stops a start.
      d.externals = new ExternalTargets(cfg.externals());
      d.service =
          StorageService.start(
              cfg.storageId(), d.store, d.externals, new InetSocketAddress(cfg.bindHost(), cfg.port()),
              cfg.directPort() < 0 ? null : new InetSocketAddress(cfg.bindHost(), cfg.directPort()),
              cfg.directPort() < 0 ? null : DirectSocketPath.choose(cfg.devices().getFirst().path()),
              d.lifeCycle);
      d.lifeCycle.transition(LifeCycle.State.RUNNING);
      d.scrubber = Scrubber.start(d.store, cfg.scrubBytesPerSecond(), cfg.scrubInterval());
      d.registrar =
          StorageRegistrar.start(
              cfg.zkConnect(), cfg.fsName(), d.store, d.advertisedAddress(d.address()),
              d.service.directAddress() == null ? "" : d.advertisedAddress(d.service.directAddress()),
              d.service.directSocket() == null ? "" : d.service.directSocket().toString(),
              cfg.labels(), cfg.externals());
    } catch (RuntimeException e) {
      if (d.lifeCycle.state() != LifeCycle.State.FAILED) {
        d.lifeCycle.transition(LifeCycle.State.FAILED);
      }
      d.close();
      throw e;
    }
    LOG.info(
        "storage {} running at {} with devices {}, external targets {}, scrubbing at {} bytes/s",
        cfg.storageId(), d.address(), d.store.devices(), cfg.externals(), cfg.scrubBytesPerSecond());
    return d;
  }

  /** The bound RPC address. */
  public InetSocketAddress address() {
    return service.address();
  }

  public ChunkStore store() {
    return store;
  }

  public Scrubber scrubber() {
    return scrubber;
  }

  /**
   * Also serves the mounts of this JVM by method calls (ADR 034, 035), under the address this
   * daemon advertises: their per-thread connections to it then run its handlers on their own
   * threads, and their asynchronous calls run them on this daemon's threads, with no socket
   * between them. For a node, where a daemon and a mount share a process ({@code strata node});
   * mounts started after this call find it ({@code StorageDirectory}, {@code RpcClient}).
   */
  public InProcessAddress serveInProcess() {
    return service.serveInProcess(advertisedAddress(address()));
  }

  /** Client connections over a socket (TCP or Unix) open now (for tests and metrics). */
  public int socketConnections() {
    return service.socketConnections();
  }

  /** The ZooKeeper registration, for tests that read what is published. */
  public StorageRegistrar registrar() {
    return registrar;
  }

  public LifeCycle.State state() {
    return lifeCycle.state();
  }

  /** host:port clients can reach: the bind address, or this host's address for a wildcard bind. */
  private String advertisedAddress(InetSocketAddress a) {
    String host = a.getHostString();
    if (a.getAddress() != null && a.getAddress().isAnyLocalAddress()) {
      try {
        host = InetAddress.getLocalHost().getHostAddress();
      } catch (UnknownHostException e) {
        throw new StrataException(
            StatusCode.INVALID_ARGUMENT,
            "bound to a wildcard address and this host's name does not resolve: pass a bind host",
            e);
      }
    }
    return host + ":" + a.getPort();
  }

  /** Deregisters, stops serving, closes files. Idempotent. */
  @Override
  public void close() {
    LifeCycle.State s = lifeCycle.state();
    if (s == LifeCycle.State.CLOSING || s == LifeCycle.State.CLOSED) {
      return;
    }
    if (!lifeCycle.compareAndTransition(s, LifeCycle.State.CLOSING)) {
      return;
    }
    if (registrar != null) {
      registrar.close();
    }
    if (scrubber != null) {
      scrubber.close();
    }
    if (service != null) {
      service.close();
    }
    if (externals != null) {
      externals.close();
    }
    if (store != null) {
      store.close();
    }
    lifeCycle.transition(LifeCycle.State.CLOSED);
    LOG.info("storage {} closed", cfg.storageId());
  }
}
