package io.stratafs.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stratafs.cli.daemon.ReplicationSettings;
import io.stratafs.common.StrataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterFileTest {
  @TempDir Path dir;

  static ClusterFile sample() {
    return new ClusterFile(
        "strata",
        "127.0.0.1:2181",
        "/tmp/mnt",
        "64M",
        List.of(
            new ClusterProcess("zk", "zk-1", 100L, Map.of("client", 2181), "/d/logs/zk-1.log", null, null),
            new ClusterProcess("meta", "meta-1", 101L, Map.of("rpc", 40001), "/d/logs/meta-1.log", null, true),
            new ClusterProcess("storage", "storage-1", null, Map.of("rpc", 40002), "/d/logs/storage-1.log", List.of("nvme:/d/storage-1/d0"), null),
            new ClusterProcess("mount", "mount-1", 103L, Map.of(), "/d/logs/mount-1.log", null, null)));
  }

  @Test
  void roundTrips() {
    Path file = dir.resolve("cluster.json");
    sample().write(file);
    assertThat(ClusterFile.readIfExists(file)).contains(sample());
  }

  @Test
  void writesTheDocumentedShape() throws IOException {
    Path file = dir.resolve("cluster.json");
    sample().write(file);
    String json = Files.readString(file);
    assertThat(json).contains("\"fs\" : \"strata\"", "\"zk\" : \"127.0.0.1:2181\"", "\"mount\" : \"/tmp/mnt\"", "\"role\" : \"storage\"", "\"leader\" : true", "\"devices\" : [ \"nvme:/d/storage-1/d0\" ]");
    // absent values are left out rather than written as null
    assertThat(json).doesNotContain("null");
  }

  static ClusterFile withReplication() {
    return new ClusterFile(
        "strata",
        "127.0.0.1:2181",
        "/tmp/mnt",
        "64M",
        List.of(
            new ClusterProcess("storage", "storage-1", 7L, Map.of("rpc", 40002), "/d/logs/storage-1.log", List.of("nvme:/d/storage-1/d0"), null,
                Map.of("node", "node-1"), List.of("ext1=nas:///d/external", "s3=s3://b?endpoint=http://127.0.0.1:9000&path-style=true"))),
        List.of(new ExternalTarget("ext1", "nas:///d/external"), new ExternalTarget("s3", "s3://b?endpoint=http://127.0.0.1:9000&path-style=true")),
        ReplicationSettings.of("45s", "1s", List.of("fast3=3xnvme")));
  }

  @Test
  void roundTripsExternalsLabelsAndReplicationSettings() throws IOException {
    Path file = dir.resolve("cluster.json");
    withReplication().write(file);
    ClusterFile read = ClusterFile.readIfExists(file).orElseThrow();
    assertThat(read).isEqualTo(withReplication());
    assertThat(read.update("storage-1", p -> p.withPid(8L)).process("storage-1").orElseThrow().externals()).hasSize(2);
    assertThat(read.update("storage-1", p -> p.withPid(8L)).externals()).hasSize(2);
    String json = Files.readString(file);
    assertThat(json).contains("\"labels\" : {", "\"node\" : \"node-1\"", "\"externals\" : [", "\"healGrace\" : \"45s\"", "\"fast3=3xnvme\"");
    assertThat(read.replication().toArgs()).containsExactly("--heal-grace", "45s", "--upload-delay", "1s", "--policy", "fast3=3xnvme");
  }

  @Test
  void aClusterJsonFromBeforeExternalsStillReads() throws IOException {
    Path file = dir.resolve("cluster.json");
    Files.writeString(file, """
        { "fs" : "strata", "zk" : "127.0.0.1:2181", "mount" : "/tmp/mnt", "chunkSize" : "64M",
          "processes" : [ { "role" : "storage", "id" : "storage-1", "ports" : { "rpc" : 1 }, "log" : "/l", "devices" : [ "nvme:/d" ] } ] }
        """);
    ClusterFile read = ClusterFile.readIfExists(file).orElseThrow();
    assertThat(read.externalsOrNone()).isEmpty();
    assertThat(read.replication()).isNull();
    assertThat(read.process("storage-1").orElseThrow().labels()).isNull();
  }

  @Test
  void externalTargetsAreNamedInOrder() {
    assertThat(ExternalTarget.parseAll(List.of("nas:///a", "cold=nas:///b", "s3://bucket/p?endpoint=http://h:1&path-style=true")))
        .containsExactly(
            new ExternalTarget("ext1", "nas:///a"),
            new ExternalTarget("cold", "nas:///b"),
            new ExternalTarget("ext3", "s3://bucket/p?endpoint=http://h:1&path-style=true"));
  }

  @Test
  void updateReplacesOneProcess() {
    ClusterFile updated = sample().update("storage-1", p -> p.withPid(555L));
    assertThat(updated.process("storage-1").orElseThrow().pid()).isEqualTo(555L);
    assertThat(updated.process("meta-1")).isEqualTo(sample().process("meta-1"));
  }

  @Test
  void missingFileIsEmpty() {
    assertThat(ClusterFile.readIfExists(dir.resolve("nope.json"))).isEmpty();
  }

  @Test
  void unreadableFileSaysWhatToDo() throws IOException {
    Path file = dir.resolve("cluster.json");
    Files.writeString(file, "{ not json");
    assertThatThrownBy(() -> ClusterFile.readIfExists(file)).isInstanceOf(StrataException.class).hasMessageContaining(file.toString());
  }

  @Test
  void zkPortIsKept() {
    Path props = dir.resolve("cluster.properties");
    assertThat(ClusterProperties.zkPort(props)).isEmpty();
    ClusterProperties.saveZkPort(props, 34567);
    assertThat(ClusterProperties.zkPort(props)).hasValue(34567);
  }

  @Test
  void dataDirDefaultsToEnvThenHome() {
    assertThat(DataDirOption.defaultDataDir("/srv/strata", "/home/u")).isEqualTo(Path.of("/srv/strata"));
    assertThat(DataDirOption.defaultDataDir(null, "/home/u")).isEqualTo(Path.of("/home/u/.strata"));
    assertThat(DataDirOption.defaultDataDir(" ", "/home/u")).isEqualTo(Path.of("/home/u/.strata"));
  }
}
