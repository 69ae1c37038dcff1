package io.stratafs.storage.zk;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.common.ZkPaths;
import io.stratafs.protocol.storage.ExternalTargetStat;
import io.stratafs.protocol.storage.StorageRegistration;
import io.stratafs.storage.chunk.ChunkStore;
import io.stratafs.storage.external.ExternalTarget;
import io.stratafs.storage.rpc.WireStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a storage daemon in ZooKeeper: the ephemeral node {@link ZkPaths#storage} holding a
 * {@link StorageRegistration}. Curator's {@link PersistentNode} recreates the node after a session
 * loss; a named scheduler thread rewrites it with fresh capacity numbers every {@link #REFRESH},
 * and at once when the set of corrupt chunks changes.
 * Thread-safe; {@link #close()} deletes the node.
 */
public final class StorageRegistrar implements AutoCloseable {
  public static final Duration REFRESH = Duration.ofSeconds(5);
  /** Corrupt chunks published at most (the registration stays small; the rest follow once repaired). */
  public static final int MAX_CORRUPT_CHUNKS = 1000;
  static final Duration INITIAL_CREATE_TIMEOUT = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(StorageRegistrar.class);

  private final CuratorFramework zk;
  private final PersistentNode node;
  private final ScheduledExecutorService refresher;
  private final ChunkStore store;
  private final String address;
  private final String directAddress;
  private final String directSocket;
  private final Map<String, String> labels;
  private final String path;
  private final List<ExternalTarget> externals;
  private final AtomicBoolean refreshQueued = new AtomicBoolean();

  private StorageRegistrar(
      CuratorFramework zk,
      String path,
      ChunkStore store,
      String address,
      String directAddress,
      String directSocket,
      Map<String, String> labels,
      List<ExternalTarget> externals) {
    this.zk = zk;
    this.path = path;
    this.store = store;
    this.address = address;
    this.directAddress = directAddress;
    this.directSocket = directSocket;
    this.labels = labels;
    this.externals = List.copyOf(externals);
    this.node = new PersistentNode(zk, CreateMode.EPHEMERAL, false, path, registration());
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "storage-" + store.storageId() + "-zk-refresh");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Connects to ZooKeeper and creates the node; waits until it exists.
   *
   * @param address host:port of the daemon's RPC endpoint
   * @throws StrataException UNAVAILABLE when ZooKeeper cannot be reached in time
   */
  public static StorageRegistrar start(
      String zkConnect, String fsName, ChunkStore store, String address, Map<String, String> labels) {
    return start(zkConnect, fsName, store, address, labels, List.of());
  }

  /** As above, also publishing the daemon's external targets (URIs carry no credentials). */
  public static StorageRegistrar start(
      String zkConnect,
      String fsName,
      ChunkStore store,
      String address,
      Map<String, String> labels,
      List<ExternalTarget> externals) {
    return start(zkConnect, fsName, store, address, "", "", labels, externals);
  }

  /**
   * As above, also publishing the daemon's direct listener ({@code directAddress} host:port, ""
   * for none), where the mounts' per-thread connections go, and its Unix domain socket for mounts
   * on this machine ({@code directSocket}, a path, "" for none).
   */
  public static StorageRegistrar start(
      String zkConnect,
      String fsName,
      ChunkStore store,
      String address,
      String directAddress,
      String directSocket,
      Map<String, String> labels,
      List<ExternalTarget> externals) {
    CuratorFramework zk =
        CuratorFrameworkFactory.builder()
            .connectString(zkConnect)
            .retryPolicy(new ExponentialBackoffRetry(200, 10, 5_000))
            .build();
    zk.start();
    StorageRegistrar r;
    try {
      r = new StorageRegistrar(zk, ZkPaths.storage(fsName, store.storageId()), store, address, directAddress, directSocket, labels, externals);
    } catch (RuntimeException e) {
      zk.close();
      throw e;
    }
    try {
      r.node.start();
      if (!r.node.waitForInitialCreate(INITIAL_CREATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw StrataException.of(
            StatusCode.UNAVAILABLE,
            "could not register %s in ZooKeeper at %s within %s: is ZooKeeper up?",
            r.path, zkConnect, INITIAL_CREATE_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      r.close();
      throw new StrataException(StatusCode.INTERRUPTED, "interrupted while registering " + r.path, e);
    } catch (Exception e) {
      r.close();
      throw e instanceof StrataException se
          ? se
          : new StrataException(StatusCode.UNAVAILABLE, "registering " + r.path + " failed: " + e, e);
    }
    long ms = REFRESH.toMillis();
    r.refresher.scheduleWithFixedDelay(r::refresh, ms, ms, TimeUnit.MILLISECONDS);
    // A new or repaired corrupt replica is published at once, not at the next refresh.
    store.corruptChunks().onChange(r::refreshSoon);
    LOG.info("storage {} registered at {} (address {})", store.storageId(), r.path, address);
    return r;
  }

  public String path() {
    return path;
  }

  /** The ZooKeeper client, for tests that expire its session. */
  CuratorFramework curator() {
    return zk;
  }

  /** Rewrites the node with fresh numbers now (also done every {@link #REFRESH}). */
  public void refresh() {
    try {
      node.setData(registration());
    } catch (Exception e) {
      // Transient: the next refresh (or PersistentNode's own recreation) fixes it.
      LOG.warn("refreshing {} failed: {}", path, e.toString());
    }
  }

  /** Queues one refresh on the refresher thread; changes arriving meanwhile share it. */
  void refreshSoon() {
    if (refreshQueued.compareAndSet(false, true)) {
      try {
        refresher.execute(
            () -> {
              refreshQueued.set(false);
              refresh();
            });
      } catch (RejectedExecutionException e) {
        // closing
      }
    }
  }

  /** What is published: at most {@link #MAX_CORRUPT_CHUNKS} corrupt chunks. */
  StorageRegistration registrationProto() {
    StorageRegistration.Builder b =
        StorageRegistration.newBuilder()
            .setStorageId(store.storageId())
            .setAddress(address)
            .setDirectAddress(directAddress)
            .setDirectSocket(directSocket)
            .putAllLabels(labels)
            .addAllDevices(WireStats.toProto(store.usage()))
            .setUpdatedAtMs(System.currentTimeMillis())
            .addAllCorruptChunks(store.corruptChunks().list(MAX_CORRUPT_CHUNKS));
    for (ExternalTarget t : externals) {
      b.addExternals(
          ExternalTargetStat.newBuilder().setName(t.name()).setMedia(t.media()).setUri(t.publicUri()).build());
    }
    return b.build();
  }

  private byte[] registration() {
    return registrationProto().toByteArray();
  }

  @Override
  public void close() {
    refresher.shutdownNow();
    try {
      node.close();
    } catch (Exception e) {
      LOG.warn("deleting {} failed (it goes away with the session): {}", path, e.toString());
    }
    zk.close();
  }
}
