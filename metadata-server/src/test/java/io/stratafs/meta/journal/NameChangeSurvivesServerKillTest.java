package io.stratafs.meta.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.kv.rocks.RocksKvStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A name change answered before its sync (ADR 032) survives a SIGKILL of the server process: its
 * batch reached the WAL before the answer. The child JVM journals 500 name changes on RocksDB,
 * says so, and is killed while it idles; the parent reopens the store and finds every one.
 */
@Timeout(120)
class NameChangeSurvivesServerKillTest {
  private static final int CHANGES = 500;

  @TempDir Path dir;

  /** The child: answers CHANGES unsynced mutations, prints "answered", then waits to be killed. */
  public static void main(String[] args) throws Exception {
    RocksKvStore store = RocksKvStore.open(Path.of(args[0]));
    GroupCommitJournal journal = new GroupCommitJournal("child", store);
    for (int i = 0; i < CHANGES; i++) {
      String name = "f" + i;
      journal.submit(Mutation.unsynced(tx -> {
        tx.put(Cf.DENTRIES, name.getBytes(StandardCharsets.UTF_8), new byte[] {1});
        return null;
      }));
    }
    System.out.println("answered");
    System.out.flush();
    Thread.sleep(TimeUnit.MINUTES.toMillis(2));
  }

  @Test
  void everyAnsweredNameChangeIsThereAfterTheServerIsKilled() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(
            java.toString(), "--enable-native-access=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"),
            NameChangeSurvivesServerKillTest.class.getName(), dir.toString())
        .redirectErrorStream(true)
        .start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      StringBuilder seen = new StringBuilder();
      while ((line = out.readLine()) != null && !line.equals("answered")) {
        seen.append(line).append('\n');
      }
      assertThat(line).as("the child answered its changes; its output:\n%s", seen).isEqualTo("answered");
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no final sync
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    try (RocksKvStore store = RocksKvStore.open(dir)) {
      for (int i = 0; i < CHANGES; i++) {
        assertThat(store.get(Cf.DENTRIES, ("f" + i).getBytes(StandardCharsets.UTF_8))).as("f%d", i).isNotNull();
      }
    }
  }
}
