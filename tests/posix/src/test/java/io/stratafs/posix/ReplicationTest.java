package io.stratafs.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.stratafs.cli.cluster.ClusterProcess;
import io.stratafs.testkit.FuseAvailability;
import io.stratafs.testkit.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 end to end, as users run it: {@code strata up --storage 3 --external s3://...} against a
 * real S3 server (S3Proxy on 127.0.0.1), three storage daemons on distinct {@code node} labels,
 * each a process of its own, apart from the mount's ({@code --no-mount-with-storage}), killed with
 * SIGKILL. The tests share one cluster and run in order; the last
 * one wipes every storage daemon.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(900)
class ReplicationTest {
  private static final String BUCKET = "strata-repl";
  private static final int MIB = 1 << 20;

  @TempDir static Path tmp;
  private static S3ProxyServer s3;
  private static StrataCli strata;
  private static Path mnt;
  @RegisterExtension
  static final ClusterLogsOnFailure LOGS =
      new ClusterLogsOnFailure(() -> tmp == null ? null : tmp.resolve("data").resolve("logs"));
  /** Path → SHA-256 of the content written, for the wipe test at the end. */
  private static final Map<Path, String> written = new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeAll
  static void startCluster() throws Exception {
    assumeTrue(FuseAvailability.canMount(), FuseAvailability.reason());
    s3 = new S3ProxyServer();
    s3.createBucket(BUCKET);
    strata =
        new StrataCli(tmp.resolve("data"), tmp.resolve("mnt"))
            .withEnv(Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY));
    strata.up(
        "--storage", "3",
        "--no-mount-with-storage", // a daemon is killed below while the mount goes on
        "--chunk-size", "8M",
        "--external", "s3=s3://" + BUCKET + "/fs?endpoint=" + s3.endpoint() + "&path-style=true",
        "--heal-grace", "3s",
        "--upload-delay", "200ms");
    mnt = strata.mount();
    for (String policy : List.of("hot", "single", "hybrid", "safe", "cold")) {
      Path dir = Files.createDirectory(mnt.resolve(policy));
      strata.run("policy", "set", dir.toString(), policy);
      assertThat(strata.run("policy", "get", dir.toString())).contains(policy);
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (strata != null) {
      strata.down();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  @Order(1)
  void eachPolicyPutsReplicasWhereItSays() throws Exception {
    Map<String, Path> files = new java.util.LinkedHashMap<>();
    for (String policy : List.of("hot", "single", "hybrid", "safe", "cold")) {
      Path f = mnt.resolve(policy).resolve("data.bin");
      writeRandom(f, 20 * MIB, policy.hashCode(), true);
      files.put(policy, f);
    }
    awaitUploadsCurrent();

    for (Map.Entry<String, Path> e : files.entrySet()) {
      JsonNode chunks = strata.json("locate", "--json", e.getValue().toString()).get("chunks");
      assertThat(chunks).as("chunks of %s", e.getKey()).hasSize(3); // 20 MiB in 8 MiB chunks
      for (JsonNode c : chunks) {
        Set<String> nodes = new HashSet<>();
        c.get("replicas").forEach(r -> nodes.add(r.get("node").asText()));
        int locals = c.get("replicas").size();
        long uploaded = 0;
        for (JsonNode x : c.get("externals")) {
          uploaded += x.get("generation").asLong() > 0 && x.get("current").asBoolean() ? 1 : 0;
        }
        switch (e.getKey()) {
          case "hot" -> {
            assertThat(locals).as("hot: local replicas").isEqualTo(2);
            assertThat(nodes).as("hot: on two nodes").hasSize(2);
            assertThat(c.get("externals")).as("hot: no external copy").isEmpty();
            assertThat(s3.keysUnder(BUCKET, objectPrefix(c.get("chunk_id").asLong()))).as("hot chunk objects in S3").isEmpty();
          }
          case "single" -> {
            assertThat(locals).isEqualTo(1);
            assertThat(c.get("externals")).isEmpty();
          }
          case "hybrid", "safe" -> {
            assertThat(locals).as("%s: local replicas", e.getKey()).isEqualTo(1);
            assertThat(uploaded).as("%s: current external copies", e.getKey()).isEqualTo(1);
            assertThat(s3.keysUnder(BUCKET, objectPrefix(c.get("chunk_id").asLong()))).isNotEmpty();
          }
          case "cold" -> {
            assertThat(locals).as("cold: no local replica once uploaded").isZero();
            assertThat(uploaded).isEqualTo(1);
          }
          default -> throw new AssertionError(e.getKey());
        }
      }
      assertThat(sha256(e.getValue())).as("content of %s", e.getKey()).isEqualTo(written.get(e.getValue()));
    }
    JsonNode fsck = strata.json("fsck", "--json");
    assertThat(fsck.get("under_replicated").asLong()).isZero();
    assertThat(fsck.get("lost").asLong()).isZero();
    assertThat(fsck.get("corrupt").asLong()).isZero();
  }

  @Test
  @Order(2)
  void aCorruptChunkFileIsReadFromTheOtherReplicaAndRepaired() throws Exception {
    Path f = mnt.resolve("hot").resolve("corrupt-me.bin");
    writeRandom(f, 4 * MIB, 7, true);
    JsonNode chunk = strata.json("locate", "--json", f.toString()).get("chunks").get(0);
    JsonNode victim = chunk.get("replicas").get(0);
    Path chunkFile = chunkFile(victim.get("storage_id").asText(), chunk.get("chunk_id").asLong());
    try (RandomAccessFile raf = new RandomAccessFile(chunkFile.toFile(), "rw")) {
      raf.seek(123_456);
      int b = raf.read();
      raf.seek(123_456);
      raf.write(b ^ 0x5a);
      raf.getFD().sync();
    }
    dropCaches();
    assertThat(sha256(f)).as("read succeeds from the healthy replica").isEqualTo(written.get(f));

    await("the corrupt replica is replaced")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              JsonNode fsck = strata.json("fsck", "--json");
              assertThat(fsck.get("corrupt").asLong()).isZero();
              assertThat(fsck.get("under_replicated").asLong()).isZero();
              JsonNode now = strata.json("locate", "--json", f.toString()).get("chunks").get(0);
              assertThat(now.get("version").asLong()).isGreaterThan(chunk.get("version").asLong());
              assertThat(now.get("replicas")).hasSize(2);
            });
    dropCaches();
    assertThat(sha256(f)).isEqualTo(written.get(f));
  }

  @Test
  @Order(3)
  void aHotGibWriteSurvivesKillMinusNineOfAReplicaAndHeals() throws Exception {
    Path f = mnt.resolve("hot").resolve("gib.bin");
    AtomicLong progress = new AtomicLong();
    CompletableFuture<String> writer =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return writeRandom(f, 1024L * MIB, 1234, true, progress);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            },
            r -> Thread.ofPlatform().name("gib-writer").start(r));
    await("a first part of the GiB is written").atMost(Duration.ofMinutes(3)).until(() -> progress.get() >= 200L * MIB || writer.isDone());
    assertThat(writer).as("writer still running when the replica dies").isNotDone();
    JsonNode first = strata.json("locate", "--json", f.toString()).get("chunks").get(0);
    String victim = first.get("replicas").get(1).get("storage_id").asText();
    strata.kill(victim);

    String sha = writer.get(); // throws if the application saw an error
    written.put(f, sha);
    dropCaches();
    assertThat(sha256(f)).as("1 GiB read back identical").isEqualTo(sha);

    // Until the victim's ZooKeeper session expires it still counts as live, and fsck finds
    // nothing under-replicated: healing is done only once no chunk lists the victim.
    await("healing re-creates the lost replicas on the third daemon")
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              assertThat(strata.json("fsck", "--json").get("under_replicated").asLong()).isZero();
              for (JsonNode c : strata.json("locate", "--json", f.toString()).get("chunks")) {
                Set<String> on = new HashSet<>();
                c.get("replicas").forEach(r -> on.add(r.get("storage_id").asText()));
                assertThat(on).as("chunk %s", c.get("index")).hasSize(2).doesNotContain(victim);
              }
            });
    strata.up(); // brings the killed daemon back; its stale copies are not listed anywhere
    dropCaches();
    assertThat(sha256(f)).isEqualTo(sha);
  }

  @Test
  @Order(4)
  void wipingEveryStorageDaemonLosesNothingThatHasAnExternalCopy() throws Exception {
    Path single = mnt.resolve("single").resolve("only-local.bin");
    writeRandom(single, 2 * MIB, 99, true);
    awaitUploadsCurrent();
    Map<Path, String> expected = new java.util.HashMap<>();
    for (String policy : List.of("hybrid", "safe", "cold")) {
      Path f = mnt.resolve(policy).resolve("data.bin");
      expected.put(f, written.get(f));
    }

    List<String> storages = strata.processes("storage").stream().map(ClusterProcess::id).toList();
    for (String id : storages) {
      strata.kill(id);
    }
    for (ClusterProcess p : strata.processes("storage")) {
      for (String device : p.devices()) {
        Path dir = Path.of(device.substring(device.indexOf(':') + 1));
        deleteTree(dir);
        Files.createDirectories(dir);
      }
    }
    strata.up(); // fresh, empty daemons with the same ids
    dropCaches();

    for (Map.Entry<Path, String> e : expected.entrySet()) {
      assertThat(sha256(e.getKey())).as("%s from S3", e.getKey()).isEqualTo(e.getValue());
    }
    assertThatThrownBy(() -> sha256(single)).as("single file whose only replica is gone").isInstanceOf(IOException.class);

    await("local replicas of hybrid and safe files restored from S3")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              for (String policy : List.of("hybrid", "safe")) {
                for (JsonNode c : strata.json("locate", "--json", mnt.resolve(policy).resolve("data.bin").toString()).get("chunks")) {
                  assertThat(c.get("replicas")).as("%s chunk %s", policy, c.get("index")).hasSize(1);
                }
              }
            });
    JsonNode fsck = strata.json("fsck", "--json");
    assertThat(fsck.get("lost").asLong()).as("lost chunks: the single file and the hot ones").isPositive();
  }

  // ---- helpers

  private static void awaitUploadsCurrent() {
    await("external copies current")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(strata.json("fsck", "--json").get("pending_uploads").asLong()).isZero());
  }

  private static String objectPrefix(long chunkId) {
    return String.format("fs/chunks/%02x/%016x/", chunkId & 0xff, chunkId);
  }

  private static Path chunkFile(String storageId, long chunkId) {
    ClusterProcess p = strata.processes("storage").stream().filter(x -> x.id().equals(storageId)).findFirst().orElseThrow();
    String device = p.devices().getFirst();
    Path root = Path.of(device.substring(device.indexOf(':') + 1));
    return root.resolve("chunks").resolve(String.format("%02x", chunkId & 0xff)).resolve(String.format("%016x.chunk", chunkId));
  }

  private static String writeRandom(Path f, long size, long seed, boolean fsync) throws IOException {
    String sha = writeRandom(f, size, seed, fsync, new AtomicLong());
    written.put(f, sha);
    return sha;
  }

  /** Writes {@code size} seeded random bytes in 1 MiB writes; returns their SHA-256. */
  private static String writeRandom(Path f, long size, long seed, boolean fsync, AtomicLong progress) throws IOException {
    MessageDigest md = sha();
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[] buf = new byte[MIB];
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      for (long done = 0; done < size; ) {
        int n = (int) Math.min(buf.length, size - done);
        rnd.nextBytes(buf);
        md.update(buf, 0, n);
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        while (bb.hasRemaining()) {
          ch.write(bb);
        }
        done += n;
        progress.set(done);
      }
      if (fsync) {
        ch.force(true);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static String sha256(Path f) throws IOException {
    MessageDigest md = sha();
    byte[] buf = new byte[MIB];
    try (InputStream in = Files.newInputStream(f)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Makes the next read of the mount go to the storage daemons, not the kernel's page cache. */
  private static void dropCaches() {
    try {
      Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
    } catch (IOException e) {
      // not root: reads may come from the page cache, which only weakens, never breaks, the checks
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.forEach(all::add);
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      Files.delete(all.get(i));
    }
  }
}
