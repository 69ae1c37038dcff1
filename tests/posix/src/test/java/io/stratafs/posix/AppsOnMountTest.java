package io.stratafs.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Real programs on the mount: git and SQLite (scripts/test installs both). */
@Timeout(600)
class AppsOnMountTest {
  @RegisterExtension static final MountedClusterExtension FS = new MountedClusterExtension();

  @Test
  void gitInitAddCommitAndFsck() throws Exception {
    assumeTrue(Shell.has("git"), "git is not installed (scripts/test installs it)");
    Path repo = FS.newDir("repo");
    for (int i = 0; i < 50; i++) {
      Files.writeString(Files.createDirectories(repo.resolve("src/p" + (i % 5))).resolve("F" + i + ".java"),
          "class F" + i + " {}\n".repeat(i + 1));
    }
    Shell.ok(repo, "git", "init", "-q");
    Shell.ok(repo, "git", "add", "-A");
    Shell.ok(repo, "git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "first");
    Files.writeString(repo.resolve("src/p0/F0.java"), "changed\n");
    Shell.ok(repo, "git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "second");
    assertThat(Shell.ok(repo, "git", "log", "--oneline")).contains("first", "second");
    Shell.ok(repo, "git", "fsck", "--strict");
    assertThat(Shell.ok(repo, "git", "status", "--porcelain")).isEmpty();
  }

  @Test
  void sqliteWalTenThousandInsertsPassIntegrityCheck() throws Exception {
    assumeTrue(Shell.has("sqlite3"), "sqlite3 is not installed (scripts/test installs it)");
    Path dir = FS.newDir("sqlite");
    String sql = """
        PRAGMA journal_mode=WAL;
        CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
        INSERT INTO t SELECT i, printf('value-%d-%s', i, hex(randomblob(16))) FROM n;
        PRAGMA wal_checkpoint(TRUNCATE);
        """;
    Shell.ok(dir, "sqlite3", dir.resolve("db.sqlite").toString(), sql);
    for (int i = 0; i < 200; i++) { // many small transactions, each an fsync
      Shell.ok(dir, "sqlite3", dir.resolve("db.sqlite").toString(),
          "INSERT INTO t(v) VALUES('tx-" + i + "');");
    }
    assertThat(Shell.ok(dir, "sqlite3", dir.resolve("db.sqlite").toString(), "PRAGMA integrity_check;").trim())
        .isEqualTo("ok");
    assertThat(Shell.ok(dir, "sqlite3", dir.resolve("db.sqlite").toString(), "SELECT count(*) FROM t;").trim())
        .isEqualTo("10200");
  }

  @Test
  void copyOfASourceTreeDiffsClean() throws Exception {
    Path src = Files.createDirectories(FS.base().resolve("tree"));
    for (int i = 0; i < 300; i++) {
      Path d = Files.createDirectories(src.resolve("m" + (i % 7)).resolve("pkg" + (i % 3)));
      Files.writeString(d.resolve("C" + i + ".txt"), ("line " + i + "\n").repeat(i * 3 + 1));
    }
    Files.createSymbolicLink(src.resolve("link"), Path.of("m0"));
    Path dst = FS.newDir("cp");
    Shell.ok(dst, "cp", "-a", src.toString(), dst.resolve("tree").toString());
    Shell.ok(dst, "diff", "-r", "--no-dereference", src.toString(), dst.resolve("tree").toString());
  }
}
