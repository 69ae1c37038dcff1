package io.stratafs.fuse.client;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.CloseSessionRequest;
import io.stratafs.protocol.meta.EmptyReply;
import io.stratafs.protocol.meta.FsInfo;
import io.stratafs.protocol.meta.GetFsInfoRequest;
import io.stratafs.protocol.meta.OpenSessionReply;
import io.stratafs.protocol.meta.OpenSessionRequest;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.rpc.RpcResponse;
import io.stratafs.protocol.storage.MetaRegistration;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the metadata service: finds the leader through ZooKeeper, holds the client's session
 * (opened at {@link #connect}, kept alive by a {@link SessionHeartbeat}, re-opened when the server
 * says it expired, closed on {@link #close}), and retries calls that hit a non-leader or an
 * unreachable server until {@code retryFor} has passed, so applications see EIO only when the
 * service is really gone.
 *
 * <p>Known limitation: a retried non-idempotent call (create, mkdir, rename...) whose first
 * attempt did reach the old leader may fail with EXISTS/NOT_FOUND; the later fix is a request-id
 * deduplication table on the server.
 *
 * <p>Thread-safe.
 */
public final class MetaClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetaClient.class);
  private static final long BACKOFF_START_MS = 20;
  private static final long BACKOFF_MAX_MS = 1_000;
  private static final int MAX_SESSION_REOPENS_PER_CALL = 3;

  /**
   * Methods that change no name and no attribute. Every other method counts as a change in
   * {@link #changes()}, so a method added later is a change until someone says otherwise.
   */
  private static final Set<String> READ_ONLY =
      Set.of(
          Methods.META_LOOKUP,
          Methods.META_GETATTR,
          Methods.META_READLINK,
          Methods.META_READDIR,
          Methods.META_STATFS,
          Methods.META_GETXATTR,
          Methods.META_LISTXATTR,
          Methods.META_ACCESS,
          Methods.META_HEARTBEAT,
          Methods.META_GET_FS_INFO,
          Methods.META_GET_CHUNKS,
          Methods.META_GET_POLICY,
          Methods.META_LIST_POLICIES,
          Methods.META_GETLK);

  /** What the client needs to reach the service and introduce itself. */
  public record Settings(
      String zkConnect,
      String fsName,
      String clientName,
      String host,
      String mountPoint,
      Duration rpcTimeout,
      Duration retryFor,
      Duration lease) {}

  private final Settings settings;
  private final RpcClient rpc;
  private final CuratorFramework curator;
  private final MetaLeaderTracker leaders;
  private final StorageDirectory storageDirectory;
  private final ThreadConnections threadConnections = new ThreadConnections("the metadata client", 1);
  private final Object sessionLock = new Object();
  /** Bumped when a change is sent and again when it ends, however it ends. */
  private final AtomicLong changes = new AtomicLong();
  private volatile long sessionId;
  private volatile FsInfo fsInfo;
  private volatile int leaseMs;
  private SessionHeartbeat heartbeat;

  private MetaClient(Settings settings, RpcClient rpc, CuratorFramework curator) {
    this.settings = settings;
    this.rpc = rpc;
    this.curator = curator;
    this.leaders = new MetaLeaderTracker(curator, settings.fsName());
    this.storageDirectory = new StorageDirectory(curator, settings.fsName());
  }

  /**
   * Connects to ZooKeeper, opens a session on the metadata leader (waiting up to {@code
   * retryFor} for one to appear) and starts heartbeats. The RPC client stays owned by the caller.
   */
  public static MetaClient connect(RpcClient rpc, Settings settings) {
    CuratorFramework curator =
        CuratorFrameworkFactory.builder()
            .connectString(settings.zkConnect())
            .retryPolicy(new ExponentialBackoffRetry(100, 10))
            .sessionTimeoutMs((int) Math.max(10_000, settings.retryFor().toMillis()))
            .connectionTimeoutMs((int) settings.rpcTimeout().toMillis())
            .build();
    curator.start();
    MetaClient client = null;
    try {
      if (!curator.blockUntilConnected((int) settings.retryFor().toMillis(), TimeUnit.MILLISECONDS)) {
        throw StrataException.of(
            StatusCode.UNAVAILABLE,
            "could not reach ZooKeeper at %s within %s; check the connect string and that ZooKeeper runs",
            settings.zkConnect(),
            settings.retryFor());
      }
      client = new MetaClient(settings, rpc, curator);
      client.openSession();
      client.heartbeat = new SessionHeartbeat(client, client.leaseMs);
      return client;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(client, curator);
      throw new StrataException(StatusCode.INTERRUPTED, "interrupted while connecting to ZooKeeper", e);
    } catch (RuntimeException e) {
      closeQuietly(client, curator);
      throw e;
    }
  }

  private static void closeQuietly(MetaClient client, CuratorFramework curator) {
    if (client != null) {
      client.threadConnections.close();
      client.leaders.close();
      client.storageDirectory.close();
    }
    curator.close();
  }

  public long sessionId() {
    return sessionId;
  }

  /** The live storage daemons' registrations, on the same ZooKeeper connection. */
  public StorageDirectory storageDirectory() {
    return storageDirectory;
  }

  /** The filesystem's parameters (chunk size...) learnt when the session opened. */
  public FsInfo fsInfo() {
    return fsInfo;
  }

  /**
   * Sends a request built for the current session id and returns the reply, retrying NOT_LEADER
   * and UNAVAILABLE with backoff until {@code retryFor} has passed and re-opening an expired
   * session.
   *
   * @param request builds the request for a session id (it changes when a session is re-opened)
   */
  public <R extends Message> R call(String method, LongFunction<? extends Message> request, Parser<R> parser) {
    return call(method, request, parser, true);
  }

  /**
   * Like {@link #call(String, LongFunction, Parser)}; with {@code retryUnavailable} false an
   * UNAVAILABLE reply is final. For RPCs whose server answers UNAVAILABLE as a result
   * (ExcludeReplica of a last copy, EnsureLocalReplica without an external copy): the RPC layer
   * cannot tell that answer from an unreachable leader, and retrying it for {@code retryFor} would
   * stall the write that asked. The price: a leader unreachable at that moment fails the call at once.
   */
  public <R extends Message> R call(
      String method, LongFunction<? extends Message> request, Parser<R> parser, boolean retryUnavailable) {
    if (READ_ONLY.contains(method)) {
      return callWithRetries(method, request, parser, retryUnavailable);
    }
    changes.incrementAndGet();
    try {
      return callWithRetries(method, request, parser, retryUnavailable);
    } finally {
      changes.incrementAndGet();
    }
  }

  /**
   * Counts the changes this client made: equal readings before and after a read mean no change of
   * this client's was sent, in flight or completed in between, so what the read returned is not
   * older than any of them (the leader answers a read after every change it acknowledged).
   */
  public long changes() {
    return changes.get();
  }

  private <R extends Message> R callWithRetries(
      String method, LongFunction<? extends Message> request, Parser<R> parser, boolean retryUnavailable) {
    long deadline = System.nanoTime() + settings.retryFor().toNanos();
    long backoffMs = BACKOFF_START_MS;
    int reopens = 0;
    while (true) {
      long sid = sessionId;
      try {
        return callLeaderOnce(method, request.apply(sid), parser);
      } catch (StrataException e) {
        if (e.code() == StatusCode.SESSION_EXPIRED && reopens < MAX_SESSION_REOPENS_PER_CALL) {
          reopens++;
          reopenSession(sid);
          continue;
        }
        boolean retryable =
            e.code() == StatusCode.NOT_LEADER || (retryUnavailable && e.code() == StatusCode.UNAVAILABLE);
        long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (!retryable || remainingMs <= 0) {
          throw e;
        }
        log.debug("{} failed ({}); retrying in {} ms", method, e, backoffMs);
        sleep(Math.min(backoffMs, remainingMs));
        backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
      }
    }
  }

  /** One attempt against the leader currently registered in ZooKeeper, no retry. */
  <R extends Message> R callLeaderOnce(String method, Message request, Parser<R> parser) {
    MetaRegistration leader = leaders.leader();
    if (leader.getEpoch() > 0) {
      rpc.setEpoch(leader.getEpoch());
    }
    InetSocketAddress address = RpcClient.parseAddress(leader.getAddress());
    if (ThreadConnections.suitsCurrentThread()) {
      return threadConnections.call(address, method, request, parser, rpc.epoch(), settings.rpcTimeout());
    }
    try (RpcResponse<R> response =
        Futures.await(
            rpc.call(address, method, request, Unpooled.EMPTY_BUFFER, parser, settings.rpcTimeout()))) {
      return response.body();
    }
  }

  private void openSession() {
    OpenSessionRequest req =
        OpenSessionRequest.newBuilder()
            .setClientName(settings.clientName())
            .setHost(settings.host())
            .setLeaseMs((int) settings.lease().toMillis())
            .setMountPoint(settings.mountPoint())
            .build();
    OpenSessionReply reply = call(Methods.META_OPEN_SESSION, sid -> req, OpenSessionReply.parser());
    if (reply.getEpoch() > 0) {
      rpc.setEpoch(reply.getEpoch());
    }
    FsInfo fs =
        reply.hasFs()
            ? reply.getFs()
            : call(Methods.META_GET_FS_INFO, sid -> GetFsInfoRequest.getDefaultInstance(), FsInfo.parser());
    if (fs.getChunkSize() <= 0) {
      throw StrataException.of(
          StatusCode.PROTOCOL_ERROR, "metadata server reported chunk size %d for %s", fs.getChunkSize(), settings.fsName());
    }
    fsInfo = fs;
    leaseMs = reply.getLeaseMs() > 0 ? reply.getLeaseMs() : (int) settings.lease().toMillis();
    sessionId = reply.getSessionId();
    log.info(
        "session {} opened on filesystem {} (lease {} ms, chunk size {} bytes)",
        sessionId,
        settings.fsName(),
        leaseMs,
        fs.getChunkSize());
  }

  /** Re-opens the session unless another thread already replaced {@code expiredId}. */
  void reopenSession(long expiredId) {
    synchronized (sessionLock) {
      if (sessionId != expiredId) {
        return;
      }
      log.warn(
          "session {} expired on the metadata server; opening a new one (open files and locks of the old"
              + " session are gone on the server)",
          expiredId);
      openSession();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StrataException(StatusCode.INTERRUPTED, "interrupted while waiting to retry", e);
    }
  }

  /** Stops heartbeats, closes the session (best effort) and the ZooKeeper connection. */
  @Override
  public void close() {
    if (heartbeat != null) {
      heartbeat.close();
    }
    long sid = sessionId;
    try {
      callLeaderOnce(
          Methods.META_CLOSE_SESSION,
          CloseSessionRequest.newBuilder().setSessionId(sid).build(),
          EmptyReply.parser());
      log.info("session {} closed", sid);
    } catch (StrataException e) {
      log.warn("could not close session {} ({}); the server expires it after its lease", sid, e.toString());
    }
    threadConnections.close();
    leaders.close();
    storageDirectory.close();
    curator.close();
  }
}
