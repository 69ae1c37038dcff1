package io.stratafs.posix;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A python3 (or flock(1)) process taking locks on a file, driven line by line: it prints what it
 * did and, for the holding modes, keeps its locks until its stdin closes ({@link #release()}) or
 * it is killed. Every wait is bounded.
 */
final class LockProcess implements AutoCloseable {
  /** argv: path, mode. Exit 11 = would block. */
  static final String SCRIPT =
      """
      import fcntl, os, signal, struct, sys
      path, mode = sys.argv[1], sys.argv[2]
      f = open(path, 'a+')
      def flock_struct(t):
          return struct.pack('hhqqi4x', t, 0, 0, 0, 0)
      if mode == 'hold':
          fcntl.lockf(f, fcntl.LOCK_EX)
          print('held', os.getpid(), flush=True)
          sys.stdin.read()
      elif mode == 'hold-ofd':
          fcntl.fcntl(f, fcntl.F_OFD_SETLK, flock_struct(fcntl.F_WRLCK))
          print('held', os.getpid(), flush=True)
          sys.stdin.read()
      elif mode == 'try':
          try:
              fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
              print('locked', flush=True)
          except OSError as e:
              print('busy', e.errno, flush=True)
              sys.exit(11)
      elif mode == 'getlk':
          r = fcntl.fcntl(f, fcntl.F_GETLK, flock_struct(fcntl.F_WRLCK))
          t, w, s, l, pid = struct.unpack('hhqqi4x', r)
          print(t, pid, flush=True)
      elif mode == 'wait':
          print('waiting', flush=True)
          fcntl.lockf(f, fcntl.LOCK_EX)
          print('locked', flush=True)
      elif mode == 'interrupt':
          class Interrupted(Exception):
              pass
          def on_alarm(*args):
              raise Interrupted()
          signal.signal(signal.SIGALRM, on_alarm)
          signal.alarm(1)
          try:
              fcntl.lockf(f, fcntl.LOCK_EX)
              print('locked', flush=True)
          except Interrupted:
              print('interrupted', flush=True)
      """;

  private final Process process;
  private final BufferedReader out;

  private LockProcess(Process process) {
    this.process = process;
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  static LockProcess python(Path file, String mode) throws IOException {
    return start(List.of("python3", "-c", SCRIPT, file.toString(), mode));
  }

  /** flock(1) holding an exclusive flock on {@code file} until stdin closes. */
  static LockProcess flockHolder(Path file) throws IOException {
    return start(List.of("flock", "-n", file.toString(), "sh", "-c", "echo held $$; exec cat >/dev/null"));
  }

  private static LockProcess start(List<String> cmd) throws IOException {
    return new LockProcess(new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start());
  }

  /** The next output line, waiting at most 30 s. */
  String line() throws Exception {
    String l = CompletableFuture.supplyAsync(this::readLine).get(30, TimeUnit.SECONDS);
    if (l == null) {
      throw new AssertionError("lock process ended without output (exit " + exitCode() + ")");
    }
    return l;
  }

  private String readLine() {
    try {
      return out.readLine();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Waits (at most 30 s) for the process to end and returns its exit code. */
  int exitCode() throws InterruptedException {
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("lock process did not end");
    }
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Closes stdin: a holder exits and its close releases its locks. */
  void release() throws IOException {
    process.getOutputStream().close();
  }

  /** kill -9. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Runs a one-shot mode and returns its output line and exit code. */
  static String[] once(Path file, String mode) throws Exception {
    try (LockProcess p = python(file, mode)) {
      p.release();
      String l = p.line();
      return new String[] {l, String.valueOf(p.exitCode())};
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
