package io.stratafs.meta;

import io.stratafs.common.CoalescingTrigger;
import io.stratafs.common.LifeCycle;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.journal.GroupCommitJournal;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.KvStore;
import io.stratafs.meta.kv.rocks.RocksKvStore;
import io.stratafs.meta.server.MetaLeadership;
import io.stratafs.meta.server.MetaRpcHandlers;
import io.stratafs.meta.storage.ChunkGc;
import io.stratafs.meta.storage.RpcStorageRpc;
import io.stratafs.meta.storage.ZkStorageView;
import io.stratafs.meta.ops.MetaContext;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.rpc.RpcServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One metadata server process: RocksDB namespace, journal, ZooKeeper membership and leadership,
 * the RPC server, and the leader's background session reaper, chunk collector, external replicator
 * and healer. Thread-safe.
 */
public final class MetadataServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetadataServer.class);
  private static final long REAPER_PERIOD_MS = 1000;
  /** The chunk gc's retry pass; a removal that queues chunks also requests a pass at once. */
  private static final long GC_PERIOD_MS = 5000;
  private static final long START_WAIT_MS = 10_000;

  private final MetaServerConfig cfg;
  private final LifeCycle life;
  /** Closed in reverse order. */
  private final List<AutoCloseable> resources = new ArrayList<>();
  private MetaService service;
  private MetaLeadership leadership;
  private RpcServer rpc;

  private MetadataServer(MetaServerConfig cfg) {
    this.cfg = cfg;
    this.life = new LifeCycle("meta-" + cfg.serverId());
  }

  public static MetadataServer start(MetaServerConfig cfg) {
    MetadataServer s = new MetadataServer(cfg);
    s.life.transition(LifeCycle.State.STARTING);
    try {
      s.doStart();
      s.life.transition(LifeCycle.State.RUNNING);
      return s;
    } catch (Exception e) {
      s.life.transition(LifeCycle.State.FAILED);
      s.close();
      if (e instanceof StrataException se) {
        throw se;
      }
      throw new StrataException(StatusCode.UNAVAILABLE, "metadata server " + cfg.serverId() + " failed to start: " + e, e);
    }
  }

  private void doStart() throws Exception {
    KvStore store = own(RocksKvStore.open(cfg.dataDir().resolve("rocksdb")));
    GroupCommitJournal journal = own(new GroupCommitJournal(cfg.serverId(), store));
    CuratorFramework zk =
        own(CuratorFrameworkFactory.newClient(cfg.zkConnect(), 30_000, 10_000, new ExponentialBackoffRetry(200, 10)));
    zk.start();
    if (!zk.blockUntilConnected(20, TimeUnit.SECONDS)) {
      throw StrataException.of(StatusCode.UNAVAILABLE, "cannot reach ZooKeeper at %s: is it running?", cfg.zkConnect());
    }
    ZkStorageView storage = own(new ZkStorageView(zk, cfg.fsName()));
    RpcClient rpcClient = own(new RpcClient("meta-" + cfg.serverId() + "-storage"));
    RpcStorageRpc storageRpc = new RpcStorageRpc(rpcClient, storage);
    // The gate is set once leadership exists (it needs the bound address); until then refuse calls.
    LeaderGate gate = new LeaderGate() {
      @Override
      public void checkLeader() {
        MetaLeadership l = leadership;
        if (l == null) {
          throw StrataException.of(StatusCode.UNAVAILABLE, "metadata server %s is starting", cfg.serverId());
        }
        l.checkLeader();
      }

      @Override
      public boolean leadingCheaply() {
        MetaLeadership l = leadership;
        return l != null && l.isLeader();
      }
    };
    service =
        new MetaService(
            store,
            journal,
            new MetaService.Setup(
                cfg.fsName(), cfg.chunkSizeBytes(), storage, storageRpc,
                MetaContext::systemWallNanos, System::nanoTime, gate, cfg.replication()));
    rpc =
        own(MetaRpcHandlers.register(
                RpcServer.builder("meta-" + cfg.serverId()).bind(new InetSocketAddress(cfg.bindHost(), cfg.port())),
                service)
            .build()
            .start());
    leadership = own(new MetaLeadership(zk, cfg.fsName(), cfg.serverId(), publishedAddress(), service::setEpoch));
    leadership.start();
    ScheduledExecutorService background =
        Executors.newScheduledThreadPool(
            4, Thread.ofPlatform().name("meta-" + cfg.serverId() + "-bg-", 0).daemon().factory());
    own(() -> {
      background.shutdownNow();
      background.awaitTermination(10, TimeUnit.SECONDS);
    });
    ChunkGc gc = new ChunkGc(store, journal, storageRpc, storage);
    background.scheduleWithFixedDelay(() -> guarded("session reaper", service::expireSessions),
        REAPER_PERIOD_MS, REAPER_PERIOD_MS, TimeUnit.MILLISECONDS);
    Runnable gcPass = () -> guarded("chunk gc", gc::runOnce);
    background.scheduleWithFixedDelay(gcPass, GC_PERIOD_MS, GC_PERIOD_MS, TimeUnit.MILLISECONDS);
    journal.afterPutsInto(Cf.GC, new CoalescingTrigger(background, gcPass)::request);
    long replicatorMs = cfg.replication().replicatorPeriodMs();
    background.scheduleWithFixedDelay(() -> guarded("external replicator", () -> service.replicator().runOnce(false)),
        replicatorMs, replicatorMs, TimeUnit.MILLISECONDS);
    long healerMs = cfg.replication().healerPeriodMs();
    background.scheduleWithFixedDelay(() -> guarded("healer", service.healer()::runOnce),
        healerMs, healerMs, TimeUnit.MILLISECONDS);
    awaitLeaderKnown();
  }

  /** Gives a lone server time to win the election so its first callers are not turned away. */
  private void awaitLeaderKnown() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_WAIT_MS);
    while (!leadership.isLeader() && System.nanoTime() - deadline < 0) {
      try {
        leadership.checkLeader();
      } catch (StrataException e) {
        if (!e.getMessage().contains("election in progress")) {
          return; // another server leads: we are a follower
        }
      }
      Thread.sleep(20);
    }
  }

  private void guarded(String what, Runnable task) {
    try {
      if (leadership != null && leadership.isLeader()) {
        task.run();
      }
    } catch (RuntimeException e) {
      LOG.warn("{} pass failed; will retry", what, e);
    }
  }

  private String publishedAddress() throws Exception {
    String host = cfg.bindHost();
    if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
      host = InetAddress.getLocalHost().getHostAddress();
    }
    return host + ":" + rpc.port();
  }

  private <T extends AutoCloseable> T own(T resource) {
    resources.add(resource);
    return resource;
  }

  public InetSocketAddress address() {
    return rpc.address();
  }

  public boolean isLeader() {
    return leadership != null && leadership.isLeader();
  }

  public MetaService service() {
    return service;
  }

  public LifeCycle.State state() {
    return life.state();
  }

  @Override
  public void close() {
    LifeCycle.State s = life.state();
    if (s == LifeCycle.State.CLOSED || s == LifeCycle.State.CLOSING) {
      return;
    }
    if (s == LifeCycle.State.RUNNING || s == LifeCycle.State.FAILED) {
      life.transition(LifeCycle.State.CLOSING);
    }
    // Stop serving first, then leadership, background threads, ZooKeeper, and RocksDB last.
    List<AutoCloseable> order = new ArrayList<>(resources);
    order.remove(rpc);
    if (rpc != null) {
      order.add(rpc);
    }
    for (int i = order.size() - 1; i >= 0; i--) {
      try {
        order.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", order.get(i), e);
      }
    }
    resources.clear();
    life.transition(LifeCycle.State.CLOSED);
  }
}
