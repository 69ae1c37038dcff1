package io.stratafs.fuse.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.fuse.vfs.Vfs;
import io.stratafs.fuse.vfs.VfsContext;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests built as the kernel sends them, served by the dispatcher over {@link MemoryVfs}. */
class DispatcherTest {
  private final MemoryVfs vfs = new MemoryVfs();
  private final FuseDispatcher dispatcher = dispatcherFor(vfs);
  private final FuseReply reply = FuseReply.allocate(FuseConstants.REPLY_BUFFER_SIZE);
  private long unique = 2;

  private static FuseDispatcher dispatcherFor(Vfs vfs) {
    return new FuseDispatcher(new FuseSession(vfs, Duration.ofSeconds(1), Duration.ofSeconds(1),
        new GroupResolver(Path.of("/nonexistent"), 1, System::nanoTime)));
  }

  private static byte[] z(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, b.length);
    return out;
  }

  /** Serves one request; returns the reply (out header + payload) or null when none is due. */
  private ByteBuffer call(FuseDispatcher d, int opcode, long node, ByteBuffer args) {
    int len = FuseConstants.IN_HEADER_SIZE + args.remaining();
    ByteBuffer b = ByteBuffer.allocateDirect(len).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(len).putInt(opcode).putLong(unique += 2).putLong(node).putInt(1000).putInt(100)
        .putInt(0).putShort((short) 0).putShort((short) 0).put(args).flip();
    d.dispatch(FuseRequest.decode(b, d.session().groups), reply);
    if (!reply.shouldSend()) {
      return null;
    }
    ByteBuffer out = reply.seal();
    assertThat(out.getInt(0)).isEqualTo(out.limit());
    assertThat(out.getLong(8)).isEqualTo(unique);
    return out;
  }

  private ByteBuffer call(int opcode, long node, ByteBuffer args) {
    return call(dispatcher, opcode, node, args);
  }

  private static ByteBuffer args(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ByteBuffer name(String n) {
    return ByteBuffer.wrap(z(n));
  }

  private long mkfile(String n) {
    ByteBuffer a = args(16 + n.length() + 1);
    a.putInt(0100644).putInt(0).putInt(022).putInt(0).put(z(n)).flip();
    ByteBuffer r = call(FuseConstants.MKNOD, 1, a);
    assertThat(r.getInt(4)).isZero();
    return r.getLong(16);
  }

  @Test
  void lookupHandsOutAnEntryAndForgetGivesItBack() {
    long ino = mkfile("f");
    assertThat(dispatcher.session().lookups.count(ino)).isEqualTo(1);
    ByteBuffer r = call(FuseConstants.LOOKUP, 1, name("f"));
    assertThat(r.limit()).isEqualTo(16 + FuseConstants.ENTRY_OUT_SIZE);
    assertThat(r.getLong(16)).isEqualTo(ino);
    assertThat(dispatcher.session().lookups.count(ino)).isEqualTo(2);
    ByteBuffer batch = args(8 + 16);
    batch.putInt(1).putInt(0).putLong(ino).putLong(2).flip();
    assertThat(call(FuseConstants.BATCH_FORGET, 0, batch)).isNull();
    assertThat(dispatcher.session().lookups.count(ino)).isZero();
    assertThat(vfs.forgottenCount(ino)).isEqualTo(2);
  }

  @Test
  void anEntryAnsweredAheadIsCachedByTheKernelOnlyForWhatIsLeftOfTheTimeouts() {
    Vfs aged = (Vfs) Proxy.newProxyInstance(Vfs.class.getClassLoader(),
        new Class<?>[] {Vfs.class}, (p, m, a) -> {
          if (m.getName().equals("lookupEntry")) {
            return new Vfs.Entry(vfs.lookup((VfsContext) a[0], (long) a[1], (byte[]) a[2]), Duration.ofMillis(300).toNanos());
          }
          try {
            return m.invoke(vfs, a);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    FuseDispatcher d = dispatcherFor(aged);
    ByteBuffer a = args(16 + 2);
    a.putInt(0100644).putInt(0).putInt(022).putInt(0).put(z("f")).flip();
    call(d, FuseConstants.MKNOD, 1, a);
    ByteBuffer r = call(d, FuseConstants.LOOKUP, 1, name("f"));
    assertThat(r.getLong(32)).as("entry_valid").isZero();
    assertThat(r.getLong(40)).as("attr_valid").isZero();
    assertThat(r.getInt(48)).as("entry_valid_nsec").isEqualTo(700_000_000);
    assertThat(r.getInt(52)).as("attr_valid_nsec").isEqualTo(700_000_000);
  }

  @Test
  void aMissingNameIsANegativeEntryTheKernelCachesForTheEntryTimeout() {
    ByteBuffer missing = call(FuseConstants.LOOKUP, 1, name("nope"));
    assertThat(missing.getInt(4)).isZero();
    assertThat(missing.limit()).isEqualTo(16 + FuseConstants.ENTRY_OUT_SIZE);
    assertThat(missing.getLong(16)).as("nodeid").isZero();
    assertThat(missing.getLong(32)).as("entry_valid").isEqualTo(1);
    assertThat(missing.getLong(40)).as("attr_valid").isZero();
    assertThat(dispatcher.session().lookups.count(0)).isZero();
  }

  @Test
  void withoutAnEntryTimeoutAMissingNameIsEnoent() {
    FuseDispatcher noCache = new FuseDispatcher(new FuseSession(vfs, Duration.ZERO, Duration.ofSeconds(1),
        new GroupResolver(Path.of("/nonexistent"), 1, System::nanoTime)));
    ByteBuffer missing = call(noCache, FuseConstants.LOOKUP, 1, name("nope"));
    assertThat(missing.limit()).isEqualTo(16);
    assertThat(missing.getInt(4)).isEqualTo(-2);
  }

  /** fuse_lk_in: fh, owner, {start, end, type, pid}, lk_flags, padding. */
  private static ByteBuffer lk(long owner, long start, long end, int type, int pid, int lkFlags) {
    ByteBuffer a = args(48);
    a.putLong(0).putLong(owner).putLong(start).putLong(end).putInt(type).putInt(pid).putInt(lkFlags).putInt(0).flip();
    return a;
  }

  @Test
  void locksConflictBetweenOwnersAndGetlkNamesTheHolder() {
    long ino = mkfile("locked");
    assertThat(call(FuseConstants.SETLK, ino, lk(1, 0, 99, 1, 4242, 0)).getInt(4)).isZero();
    assertThat(call(FuseConstants.SETLK, ino, lk(2, 50, 50, 0, 7, 0)).getInt(4)).isEqualTo(-11);
    assertThat(call(FuseConstants.SETLK, ino, lk(2, 100, 200, 1, 7, 0)).getInt(4)).isZero();
    ByteBuffer r = call(FuseConstants.GETLK, ino, lk(2, 0, Long.MAX_VALUE, 0, 7, 0));
    assertThat(r.limit()).isEqualTo(16 + FuseConstants.LK_OUT_SIZE);
    assertThat(r.getLong(16)).isZero();
    assertThat(r.getLong(24)).isEqualTo(99);
    assertThat(r.getInt(32)).isEqualTo(1);
    assertThat(r.getInt(36)).isEqualTo(4242);
    // flock locks are a separate table: owner 2's flock does not see owner 1's POSIX lock.
    assertThat(call(FuseConstants.SETLK, ino, lk(2, 0, 0, 1, 7, FuseConstants.LK_FLOCK)).getInt(4)).isZero();
    // FLUSH with owner 1 drops its POSIX locks (fuse_flush_in: fh, unused, padding, lock_owner).
    ByteBuffer flush = args(24);
    flush.putLong(0).putInt(0).putInt(0).putLong(1).flip();
    ByteBuffer open = args(8);
    open.putInt(0).putInt(0).flip();
    long fh = call(FuseConstants.OPEN, ino, open).getLong(16);
    flush.putLong(0, fh);
    assertThat(call(FuseConstants.FLUSH, ino, flush).getInt(4)).isZero();
    ByteBuffer none = call(FuseConstants.GETLK, ino, lk(2, 0, Long.MAX_VALUE, 1, 7, 0));
    assertThat(none.getInt(32)).isEqualTo(2);
  }

  @Test
  void uncoveredAndUnknownOpcodesAnswerEnosys() {
    for (int op : new int[] {FuseConstants.BMAP,
        FuseConstants.IOCTL, FuseConstants.POLL, FuseConstants.LSEEK,
        FuseConstants.COPY_FILE_RANGE, FuseConstants.SETUPMAPPING, 63, 4096}) {
      assertThat(call(op, 1, args(0)).getInt(4)).as("opcode %d", op).isEqualTo(-38);
    }
    assertThat(dispatcher.session().stats.snapshot()).containsKey("UNKNOWN");
  }

  @Test
  void fallocateIsServedAndUnsupportedModesAnswerEopnotsuppNotEnosys() {
    long ino = mkfile("alloc");
    assertThat(call(FuseConstants.FALLOCATE, ino, fallocateIn(0, 4096, 0)).getInt(4)).isZero();
    assertThat(vfs.getattr(null, ino, -1).getSize()).isEqualTo(4096);
    assertThat(call(FuseConstants.FALLOCATE, ino, fallocateIn(0, 1 << 20, 1)).getInt(4)).isZero();
    assertThat(vfs.getattr(null, ino, -1).getSize()).isEqualTo(4096);
    // FALLOC_FL_ZERO_RANGE: EOPNOTSUPP, because ENOSYS would switch fallocate off for the mount.
    assertThat(call(FuseConstants.FALLOCATE, ino, fallocateIn(0, 10, 0x10)).getInt(4)).isEqualTo(-95);
  }

  /** fuse_fallocate_in: fh, offset, length, mode, padding. */
  private static ByteBuffer fallocateIn(long offset, long length, int mode) {
    ByteBuffer b = args(32);
    b.putLong(0).putLong(offset).putLong(length).putInt(mode).putInt(0).flip();
    return b;
  }

  @Test
  void unexpectedFailuresBecomeEio() {
    Vfs broken = (Vfs) Proxy.newProxyInstance(Vfs.class.getClassLoader(),
        new Class<?>[] {Vfs.class}, (p, m, a) -> {
          if (m.getName().equals("getattr")) {
            throw new IllegalStateException("bug under test (expected in the log)");
          }
          try {
            return m.invoke(vfs, a);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    FuseDispatcher d = dispatcherFor(broken);
    ByteBuffer r = call(d, FuseConstants.GETATTR, 1, args(16));
    assertThat(r.getInt(4)).isEqualTo(-5);
    assertThat(d.session().stats.snapshot().get("GETATTR").errors()).isEqualTo(1);
  }

  @Test
  void xattrSizeProbeAndErange() {
    long ino = mkfile("x");
    ByteBuffer set = args(8 + 11 + 5);
    set.putInt(5).putInt(0).put(z("user.color")).put("green".getBytes()).flip();
    assertThat(call(FuseConstants.SETXATTR, ino, set).getInt(4)).isZero();
    ByteBuffer probe = call(FuseConstants.GETXATTR, ino, getxattrIn(0, "user.color"));
    assertThat(probe.limit()).isEqualTo(24);
    assertThat(probe.getInt(16)).isEqualTo(5);
    assertThat(call(FuseConstants.GETXATTR, ino, getxattrIn(4, "user.color")).getInt(4))
        .isEqualTo(-34);
    ByteBuffer value = call(FuseConstants.GETXATTR, ino, getxattrIn(64, "user.color"));
    assertThat(value.limit()).isEqualTo(21);
    ByteBuffer list = call(FuseConstants.LISTXATTR, ino, args(8).putInt(0).putInt(0).flip());
    assertThat(list.getInt(16)).isEqualTo(11);
    ByteBuffer names = call(FuseConstants.LISTXATTR, ino, args(8).putInt(100).putInt(0).flip());
    byte[] packed = new byte[names.limit() - 16];
    names.get(16, packed);
    assertThat(packed).isEqualTo(z("user.color"));
    assertThat(call(FuseConstants.GETXATTR, ino, getxattrIn(64, "user.none")).getInt(4))
        .isEqualTo(-61);
  }

  private static ByteBuffer getxattrIn(int size, String n) {
    return args(8 + n.length() + 1).putInt(size).putInt(0).put(z(n)).flip();
  }

  private List<String> readAll(int opcode, int size) {
    List<String> names = new ArrayList<>();
    long offset = 0;
    while (true) {
      ByteBuffer a = args(40).putLong(0).putLong(offset).putInt(size).putInt(0).putLong(0)
          .putInt(0).putInt(0).flip();
      ByteBuffer r = call(opcode, 1, a);
      assertThat(r.getInt(4)).isZero();
      assertThat(r.limit() - 16).isLessThanOrEqualTo(size);
      if (r.limit() == 16) {
        return names;
      }
      int at = 16;
      int nameOffset = opcode == FuseConstants.READDIRPLUS ? FuseConstants.ENTRY_OUT_SIZE : 0;
      while (at < r.limit()) {
        int d = at + nameOffset;
        offset = r.getLong(d + 8);
        int len = r.getInt(d + 16);
        byte[] n = new byte[len];
        r.get(d + 24, n);
        names.add(new String(n, StandardCharsets.UTF_8));
        at += opcode == FuseConstants.READDIRPLUS ? DirentCodec.direntPlusSize(len)
            : DirentCodec.direntSize(len);
        assertThat((at - 16) % 8).isZero();
      }
    }
  }

  @Test
  void readdirPagesThroughEveryEntryOnce() {
    List<String> want = new ArrayList<>(List.of(".", ".."));
    for (int i = 0; i < 300; i++) {
      String n = String.format("file-%03d", i);
      mkfile(n);
      want.add(n);
    }
    assertThat(readAll(FuseConstants.READDIR, 4096)).isEqualTo(want);
    long before = dispatcher.session().lookups.count(1);
    assertThat(readAll(FuseConstants.READDIRPLUS, 4096)).isEqualTo(want);
    // Each of the 300 files gained one lookup from readdirplus (plus one from mknod); "." and
    // ".." gained none.
    assertThat(dispatcher.session().lookups.count(1)).isEqualTo(before);
    long first = vfs.lookup(VfsContext.ROOT, 1, "file-000".getBytes()).getIno();
    assertThat(dispatcher.session().lookups.count(first)).isEqualTo(2);
  }

  @Test
  void interruptOfAnUnknownRequestAnswersEagain() {
    ByteBuffer r = call(FuseConstants.INTERRUPT, 0, args(8).putLong(12345).flip());
    assertThat(r.getInt(4)).isEqualTo(-11);
    FuseRequest running = new FuseRequest(FuseConstants.READ, 99, 1, 0, 0, 0, args(0),
        dispatcher.session().groups);
    dispatcher.session().inFlight.started(running);
    assertThat(call(FuseConstants.INTERRUPT, 0, args(8).putLong(99).flip())).isNull();
    assertThat(running.interrupted()).isTrue();
    dispatcher.session().inFlight.finished(running);
    assertThat(dispatcher.session().inFlight.size()).isZero();
  }

  @Test
  void writeThenReadThroughTheReplyBuffer() {
    long ino = mkfile("w");
    byte[] data = "hello, kernel".getBytes(StandardCharsets.UTF_8);
    ByteBuffer w = args(40 + data.length).putLong(1).putLong(3).putInt(data.length).putInt(0)
        .putLong(0).putInt(2).putInt(0).put(data).flip();
    ByteBuffer wr = call(FuseConstants.WRITE, ino, w);
    assertThat(wr.getInt(16)).isEqualTo(data.length);
    ByteBuffer rd = call(FuseConstants.READ, ino,
        args(40).putLong(1).putLong(0).putInt(100).putInt(0).putLong(0).putInt(0).putInt(0)
            .flip());
    assertThat(rd.limit()).isEqualTo(16 + 3 + data.length);
    byte[] got = new byte[data.length];
    rd.get(16 + 3, got);
    assertThat(got).isEqualTo(data);
  }
}
