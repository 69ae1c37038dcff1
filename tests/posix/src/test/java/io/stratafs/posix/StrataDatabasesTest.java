package io.stratafs.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MariaDB (InnoDB) with its datadir on the mount: rows committed one transaction each, {@code kill
 * -9} of mariadbd mid-run, a restart (InnoDB crash recovery), then every acknowledged row is there
 * and {@code CHECK TABLE} finds no corruption. Opt-in (it needs mariadb-server and root, and takes
 * about a minute): runs only with {@code STRATA_DB_TESTS=1}.
 */
@Timeout(300)
class StrataDatabasesTest {
  @RegisterExtension static final MountedClusterExtension FS = new MountedClusterExtension();

  @Test
  void innoDbSurvivesKillMinusNineWithEveryCommittedRow() throws Exception {
    assumeTrue("1".equals(System.getenv("STRATA_DB_TESTS")), "set STRATA_DB_TESTS=1 to run database tests");
    assumeTrue(Shell.has("mariadb-install-db") && Files.isExecutable(Path.of("/usr/sbin/mariadbd")), "mariadb-server is not installed");
    // mariadbd runs as mysql: it must reach the mount point through the fixture's private temp dir.
    Files.setPosixFilePermissions(FS.base(), PosixFilePermissions.fromString("rwxr-xr-x"));
    Path data = FS.newDir("mariadb").resolve("data");
    Path run = Files.createTempDirectory(Path.of("/tmp"), "strata-mariadb-");
    UserPrincipalLookupService users = run.getFileSystem().getUserPrincipalLookupService();
    Files.createDirectories(data);
    Files.setOwner(data, users.lookupPrincipalByName("mysql"));
    Files.setOwner(run, users.lookupPrincipalByName("mysql"));
    Shell.ok(run, "mariadb-install-db", "--user=mysql", "--datadir=" + data, "--skip-test-db",
        "--auth-root-authentication-method=normal");
    Path sock = run.resolve("m.sock");
    List<String> client = List.of("mariadb", "-S", sock.toString(), "-uroot", "-N");

    Process server = startServer(data, run);
    try {
      Shell.ok(run, concat(client, "-e", "CREATE DATABASE d; CREATE TABLE d.t(id INT PRIMARY KEY, v VARCHAR(200)) ENGINE=InnoDB;"));
      StringBuilder sql = new StringBuilder();
      for (int i = 1; i <= 50_000; i++) {
        sql.append("BEGIN; INSERT INTO d.t VALUES(").append(i).append(", REPEAT('x', 150)); COMMIT; SELECT ").append(i).append(";\n");
      }
      Path script = Files.writeString(run.resolve("load.sql"), sql);
      Path out = run.resolve("load.out");
      Process load =
          new ProcessBuilder(concat(client, "--unbuffered"))
              .redirectInput(script.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      await().atMost(Duration.ofMinutes(2)).until(() -> Files.readAllLines(out).size() >= 200);
      server.destroyForcibly(); // SIGKILL mid-run
      server.waitFor(60, TimeUnit.SECONDS);
      assertThat(load.waitFor(60, TimeUnit.SECONDS)).isTrue();
      int acked = Files.readAllLines(out).stream().filter(l -> l.matches("\\d+")).mapToInt(Integer::parseInt).max().orElse(0);
      assertThat(acked).isGreaterThanOrEqualTo(200);

      Files.deleteIfExists(sock);
      server = startServer(data, run);
      String check = Shell.ok(run, concat(client, "-e",
          "CHECK TABLE d.t EXTENDED; SELECT count(*) FROM d.t WHERE id <= " + acked + "; SELECT count(*) = max(id) FROM d.t;"));
      assertThat(check.lines().toList()).containsExactly("d.t\tcheck\tstatus\tOK", Integer.toString(acked), "1");
      System.out.printf("mariadb: %d committed rows before kill -9, all present, CHECK TABLE OK%n", acked);
    } finally {
      server.destroyForcibly();
      server.waitFor(60, TimeUnit.SECONDS);
      try (var files = Files.walk(run)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static Process startServer(Path data, Path run) throws Exception {
    Path sock = run.resolve("m.sock");
    Process p =
        new ProcessBuilder(
                "/usr/sbin/mariadbd", "--no-defaults", "--user=mysql", "--datadir=" + data,
                "--socket=" + sock, "--pid-file=" + run.resolve("m.pid"), "--skip-networking",
                "--log-error=" + run.resolve("err.log"), "--innodb-flush-log-at-trx-commit=1")
            .redirectErrorStream(true)
            .redirectOutput(run.resolve("server.out").toFile())
            .start();
    await().atMost(Duration.ofMinutes(2)).until(() -> Files.exists(sock) || !p.isAlive());
    assertThat(p.isAlive()).as("mariadbd started; see %s", run.resolve("err.log")).isTrue();
    return p;
  }

  private static String[] concat(List<String> head, String... tail) {
    String[] all = head.toArray(new String[head.size() + tail.length]);
    System.arraycopy(tail, 0, all, head.size(), tail.length);
    return all;
  }
}
