package io.stratafs.cli.admin;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.common.ZkPaths;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.rpc.RpcResponse;
import io.stratafs.protocol.storage.MetaRegistration;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;

/**
 * One admin session with a filesystem's metadata leader: reads the leader's registration from
 * ZooKeeper once and sends calls to it, each bounded by {@code timeout}. Errors are
 * StrataExceptions with the server's own status and message (e.g. EINVAL for an unknown policy).
 */
public final class MetaAdmin implements AutoCloseable {
  private final CuratorFramework curator;
  private final RpcClient rpc = new RpcClient("strata-admin");
  private final ClusterTarget.Resolved target;
  private final Duration timeout;
  private MetaRegistration leader;

  public MetaAdmin(ClusterTarget.Resolved target, Duration timeout) {
    this.target = target;
    this.timeout = timeout;
    this.curator =
        CuratorFrameworkFactory.builder()
            .connectString(target.zk())
            .sessionTimeoutMs(15_000)
            .connectionTimeoutMs(5_000)
            .retryPolicy(new RetryOneTime(200))
            .build();
    curator.start();
  }

  /** Sends {@code request} to the leader and returns its reply body. */
  public <R extends Message> R call(String method, Message request, Parser<R> parser) {
    MetaRegistration l = leader();
    try (RpcResponse<R> response =
        rpc.call(RpcClient.parseAddress(l.getAddress()), method, request, Unpooled.EMPTY_BUFFER, parser, timeout)
            .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
      return response.body();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StrataException se) {
        throw se;
      }
      throw new StrataException(StatusCode.INTERNAL, method + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new StrataException(StatusCode.TIMED_OUT, method + " to the metadata leader at " + l.getAddress() + " got no answer within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StrataException(StatusCode.INTERRUPTED, "interrupted while waiting for " + method, e);
    }
  }

  private MetaRegistration leader() {
    if (leader != null) {
      return leader;
    }
    String path = ZkPaths.metaLeader(target.fs());
    try {
      if (!curator.blockUntilConnected((int) timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new StrataException(StatusCode.UNAVAILABLE, "could not reach ZooKeeper at " + target.zk() + " within " + timeout);
      }
      leader = MetaRegistration.parseFrom(curator.getData().forPath(path));
      return leader;
    } catch (KeeperException.NoNodeException e) {
      throw new StrataException(
          StatusCode.UNAVAILABLE, "filesystem '" + target.fs() + "' has no metadata leader registered in ZooKeeper " + target.zk() + " (" + path + "); is `strata meta` running?");
    } catch (InvalidProtocolBufferException e) {
      throw new StrataException(StatusCode.PROTOCOL_ERROR, "unreadable leader registration at " + path + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StrataException(StatusCode.INTERRUPTED, "interrupted while connecting to ZooKeeper", e);
    } catch (StrataException e) {
      throw e;
    } catch (Exception e) {
      throw new StrataException(StatusCode.UNAVAILABLE, "could not read " + path + " from ZooKeeper " + target.zk() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    rpc.close();
    curator.close();
  }
}
