package io.stratafs.meta.storage;

import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.rpc.RpcResponse;
import io.stratafs.protocol.storage.DeviceStat;
import io.stratafs.protocol.storage.ReadChunkReply;
import io.stratafs.protocol.storage.ReadExternalRequest;
import io.stratafs.protocol.storage.StorageRegistration;
import io.stratafs.storage.DeviceSpec;
import io.stratafs.storage.StorageConfig;
import io.stratafs.storage.StorageDaemon;
import io.stratafs.storage.chunk.ReadResult;
import io.stratafs.storage.external.ExternalTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;

/**
 * Real in-process storage daemons for metadata tests: a ZooKeeper TestingServer, daemons with one
 * nvme device d0 each (node label n1, n2, ... in order) all reaching external target
 * {@link #TARGET} (a nas directory), the metadata server's {@link ZkStorageView} of them and the
 * production {@link RpcStorageRpc}. Daemons can be stopped, restarted, wiped and have chunk files
 * corrupted; replicas and external copies are read back from the daemons themselves.
 *
 * <p>{@link #view} is the ZooKeeper view with one change: every device's free bytes are replaced
 * by 1000 - n for daemon n, so placement prefers the daemons in the order given (the real numbers
 * are the same disk for all of them and would make placement order arbitrary).
 */
public final class RealDaemons implements AutoCloseable {
  public static final String TARGET = "s3main";
  public static final String FS = "fs1";
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final Pattern EXTERNAL_KEY = Pattern.compile("chunks/[0-9a-f]{2}/([0-9a-f]{16})/([0-9a-f]{16})/");

  private final Path dir;
  private final List<String> ids;
  private final TestingServer zkServer;
  private final CuratorFramework zk;
  private final ZkStorageView zkView;
  private final Map<String, StorageDaemon> running = new ConcurrentHashMap<>();
  public final RpcClient client = new RpcClient("real-daemons");
  /** What the metadata server sees (see the class comment). */
  public final StorageView view = this::storages;
  /** The production storage calls over {@link #view}. */
  public final StorageRpc rpc = new RpcStorageRpc(client, view);

  /** Starts daemons {@code ids} under {@code dir} and waits until the view shows them all. */
  public RealDaemons(Path dir, String... ids) {
    this.dir = dir;
    this.ids = List.of(ids);
    try {
      zkServer = new TestingServer(true);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    zk = CuratorFrameworkFactory.newClient(zkServer.getConnectString(), new RetryOneTime(100));
    zk.start();
    zkView = new ZkStorageView(zk, FS);
    for (String id : ids) {
      start(id);
    }
  }

  public Path externalDir() {
    return dir.resolve("external");
  }

  private Path deviceDir(String id) {
    return dir.resolve(id).resolve("d0");
  }

  private StorageConfig config(String id, boolean withTarget) {
    StorageConfig c = new StorageConfig(id, List.of(DeviceSpec.parse("nvme:" + deviceDir(id), "d0")),
        zkServer.getConnectString(), FS, "127.0.0.1", 0, Map.of("node", "n" + (ids.indexOf(id) + 1)))
        .withScrubRate(0);
    return withTarget ? c.withExternals(List.of(ExternalTarget.parse(TARGET + "=nas://" + externalDir()))) : c;
  }

  /** Starts (or restarts, on its old device) daemon {@code id} and waits until the view shows it. */
  public void start(String id) {
    start(id, true);
  }

  /** As {@link #start(String)}; without {@code withTarget} the daemon does not reach {@link #TARGET}. */
  public void start(String id, boolean withTarget) {
    StorageDaemon d = StorageDaemon.start(config(id, withTarget));
    running.put(id, d);
    String address = "127.0.0.1:" + d.address().getPort();
    long incarnation = d.store().usage().get(0).incarnation();
    await().atMost(TIMEOUT).until(() -> registration(id) instanceof StorageRegistration r
        && r.getAddress().equals(address) && r.getDevices(0).getIncarnation() == incarnation
        && (r.getExternalsCount() > 0) == withTarget);
  }

  /** Closes daemon {@code id} (it deregisters) and waits until the view no longer shows it. */
  public void stop(String id) {
    StorageDaemon d = running.remove(id);
    if (d != null) {
      d.close();
    }
    await().atMost(TIMEOUT).until(() -> registration(id) == null);
  }

  /** Stops daemon {@code id}, deletes its device and starts it again: a new, empty incarnation of d0. */
  public void wipe(String id) {
    long before = daemon(id).store().usage().get(0).incarnation();
    stop(id);
    deleteTree(deviceDir(id));
    start(id);
    if (daemon(id).store().usage().get(0).incarnation() == before) {
      throw new IllegalStateException("wiped device of " + id + " kept incarnation " + before);
    }
  }

  public StorageDaemon daemon(String id) {
    StorageDaemon d = running.get(id);
    if (d == null) {
      throw new IllegalStateException(id + " is not running");
    }
    return d;
  }

  /** The registration the metadata server sees for {@code id}, null when none. */
  public StorageRegistration registration(String id) {
    return storages().stream().filter(s -> s.getStorageId().equals(id)).findFirst().orElse(null);
  }

  private List<StorageRegistration> storages() {
    List<StorageRegistration> out = new ArrayList<>();
    for (StorageRegistration s : zkView.storages()) {
      StorageRegistration.Builder b = s.toBuilder();
      long free = 1000 - ids.indexOf(s.getStorageId()) - 1;
      for (DeviceStat.Builder d : b.getDevicesBuilderList()) {
        d.setFreeBytes(free).setCapacityBytes(2 * free);
      }
      out.add(b.build());
    }
    out.sort(Comparator.comparing(StorageRegistration::getStorageId));
    return out;
  }

  /** Writes {@code data} as the whole replica {@code r} of {@code chunkId} at {@code version}, durably. */
  public void put(Replica r, long chunkId, long version, byte[] data) {
    var store = daemon(r.getStorageId()).store();
    if (store.holds(chunkId, r.getDevice())) {
      store.truncate(chunkId, r.getDevice(), 0, false);
    }
    store.write(chunkId, r.getDevice(), 0, Unpooled.wrappedBuffer(data), true, version);
  }

  /** The bytes of replica {@code r} of {@code chunkId}, read from its daemon; null when it does not hold it. */
  public byte[] get(Replica r, long chunkId) {
    return get(r.getStorageId(), chunkId);
  }

  public byte[] get(String id, long chunkId) {
    var store = daemon(id).store();
    if (!store.holds(chunkId, "d0")) {
      return null;
    }
    try (ReadResult rr = store.read(chunkId, "d0", 0, 1 << 20)) {
      return ByteBufUtil.getBytes(rr.data());
    }
  }

  /** The version daemon {@code id} holds {@code chunkId} at. */
  public long version(String id, long chunkId) {
    return daemon(id).store().version(chunkId, "d0");
  }

  /** Chunk ids held by any running daemon. */
  public Set<Long> localChunks() {
    Set<Long> out = new TreeSet<>();
    for (StorageDaemon d : running.values()) {
      d.store().devices().forEach(dev -> out.addAll(d.store().chunkIds(dev)));
    }
    return out;
  }

  /** Flips a byte of replica {@code r}'s file and reads it, so its daemon finds and publishes the corruption. */
  public void corrupt(Replica r, long chunkId) {
    var store = daemon(r.getStorageId()).store();
    Path file = store.chunkPath(chunkId, r.getDevice());
    try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      var b = java.nio.ByteBuffer.allocate(1);
      ch.read(b, 0);
      b.put(0, (byte) (b.get(0) ^ 0xff)).rewind();
      ch.write(b, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      store.read(chunkId, r.getDevice(), 0, 1 << 20).close();
      throw new IllegalStateException("corrupted replica of " + chunkId + " still reads");
    } catch (StrataException expected) {
      // the store recorded it; the registrar publishes it
    }
    await().atMost(TIMEOUT).until(() -> registration(r.getStorageId()).getCorruptChunksCount() > 0);
  }

  /** External copies on {@link #TARGET} as "target/chunk/generation" (what the nas directory holds). */
  public Set<String> external() {
    Set<String> out = new TreeSet<>();
    if (!Files.isDirectory(externalDir())) {
      return out;
    }
    try (Stream<Path> files = Files.walk(externalDir())) {
      files.filter(Files::isRegularFile).forEach(p -> {
        Matcher m = EXTERNAL_KEY.matcher(externalDir().relativize(p).toString());
        if (m.find()) {
          out.add(externalKey(Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)));
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  public static String externalKey(long chunkId, long generation) {
    return TARGET + "/" + chunkId + "/" + generation;
  }

  /** Reads generation {@code generation} ({@code length} bytes) of {@code chunkId} back through daemon {@code via}. */
  public byte[] readExternal(String via, long chunkId, long generation, long length) throws Exception {
    ReadExternalRequest req = ReadExternalRequest.newBuilder().setChunkId(chunkId).setTarget(TARGET)
        .setGeneration(generation).setLength(length).setReadLength((int) length).build();
    try (RpcResponse<ReadChunkReply> r = client.call(daemon(via).address(), Methods.STORAGE_READ_EXTERNAL, req,
        Unpooled.EMPTY_BUFFER, ReadChunkReply.parser(), TIMEOUT).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      return ByteBufUtil.getBytes(r.data());
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    running.values().forEach(StorageDaemon::close);
    running.clear();
    zkView.close();
    client.close();
    zk.close();
    try {
      zkServer.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
