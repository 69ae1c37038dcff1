package io.stratafs.meta;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.journal.GroupCommitJournal;
import io.stratafs.meta.kv.KvStore;
import io.stratafs.meta.kv.MemoryKvStore;
import io.stratafs.meta.kv.rocks.RocksKvStore;
import io.stratafs.meta.replication.ReplicationConfig;
import io.stratafs.meta.storage.HookedStorageRpc;
import io.stratafs.meta.storage.RpcStorageRpc;
import io.stratafs.meta.storage.StorageView;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.meta.*;
import io.stratafs.protocol.storage.StorageRegistration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * A MetaService on a real store with controllable clocks, calling storage daemons through the
 * production RpcStorageRpc: the daemons in {@link #storages} (a fixed list; tests that need
 * storage start real daemons and list them) or those of a given view (see RealDaemons).
 */
public final class MetaFixture implements AutoCloseable {
  public static final long ROOT = 1;
  public static final Caller ROOT_CALLER = Caller.newBuilder().setUid(0).setGid(0).build();

  public final List<StorageRegistration> storages = new CopyOnWriteArrayList<>();
  /** The daemons the service sees: {@link #storages} unless the fixture was given a view. */
  public final StorageView view;
  private final RpcClient client = new RpcClient("meta-fixture");
  /** The service's storage calls: the real RPCs, with hooks to race a commit against them. */
  public final HookedStorageRpc storageRpc;
  public final AtomicLong wall = new AtomicLong(1_700_000_000_000_000_000L);
  public final AtomicLong mono = new AtomicLong(0);
  public final KvStore store;
  public final GroupCommitJournal journal;
  public final MetaService svc;

  private MetaFixture(KvStore store) {
    this(store, ReplicationConfig.DEFAULTS, null);
  }

  private MetaFixture(KvStore store, ReplicationConfig replication, StorageView view) {
    this.store = store;
    this.view = view != null ? view : () -> List.copyOf(storages);
    this.storageRpc = new HookedStorageRpc(new RpcStorageRpc(client, this.view));
    this.journal = new GroupCommitJournal("test", store);
    this.svc =
        new MetaService(
            store, journal,
            new MetaService.Setup("test", 1024, this.view, storageRpc,
                wall::get, mono::get, LeaderGate.ALWAYS, replication));
  }

  public static MetaFixture memory() {
    return new MetaFixture(new MemoryKvStore());
  }

  public static MetaFixture rocks(Path dir) {
    return new MetaFixture(RocksKvStore.open(dir));
  }

  public static MetaFixture rocks(Path dir, ReplicationConfig replication) {
    return new MetaFixture(RocksKvStore.open(dir), replication, null);
  }

  /** On RocksDB in {@code dir}, with the daemons {@code view} shows. */
  public static MetaFixture rocks(Path dir, ReplicationConfig replication, StorageView view) {
    return new MetaFixture(RocksKvStore.open(dir), replication, view);
  }

  public static Caller user(int uid, int gid, int... groups) {
    Caller.Builder b = Caller.newBuilder().setUid(uid).setGid(gid);
    for (int g : groups) {
      b.addGroups(g);
    }
    return b.build();
  }

  public static ByteString n(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  public Attr mkdir(Caller c, long parent, String name, int mode) {
    return svc.mkdir(MkdirRequest.newBuilder().setCaller(c).setParent(parent).setName(n(name)).setMode(mode).build())
        .getAttr();
  }

  public Attr mkdir(long parent, String name) {
    return mkdir(ROOT_CALLER, parent, name, 0755);
  }

  public Attr create(Caller c, long parent, String name, int mode) {
    return svc.create(CreateRequest.newBuilder().setCaller(c).setParent(parent).setName(n(name)).setMode(mode).build())
        .getAttr();
  }

  public Attr create(long parent, String name) {
    return create(ROOT_CALLER, parent, name, 0644);
  }

  public Attr lookup(Caller c, long parent, String name) {
    return svc.lookup(LookupRequest.newBuilder().setCaller(c).setParent(parent).setName(n(name)).build()).getAttr();
  }

  public Attr lookup(long parent, String name) {
    return lookup(ROOT_CALLER, parent, name);
  }

  public Attr getattr(long ino) {
    return svc.getattr(GetAttrRequest.newBuilder().setCaller(ROOT_CALLER).setIno(ino).build()).getAttr();
  }

  public void unlink(Caller c, long parent, String name) {
    svc.unlink(UnlinkRequest.newBuilder().setCaller(c).setParent(parent).setName(n(name)).build());
  }

  public void rmdir(Caller c, long parent, String name) {
    svc.rmdir(RmdirRequest.newBuilder().setCaller(c).setParent(parent).setName(n(name)).build());
  }

  public void rename(Caller c, long parent, String name, long newParent, String newName, int flags) {
    svc.rename(RenameRequest.newBuilder().setCaller(c).setParent(parent).setName(n(name))
        .setNewParent(newParent).setNewName(n(newName)).setFlags(flags).build());
  }

  public void rename(long parent, String name, long newParent, String newName) {
    rename(ROOT_CALLER, parent, name, newParent, newName, 0);
  }

  public Attr link(long ino, long newParent, String newName) {
    return svc.link(LinkRequest.newBuilder().setCaller(ROOT_CALLER).setIno(ino).setNewParent(newParent)
        .setNewName(n(newName)).build()).getAttr();
  }

  public Attr setattr(Caller c, long ino, int valid, SetAttrRequest.Builder fields) {
    return svc.setattr(fields.setCaller(c).setIno(ino).setValid(valid).build()).getAttr();
  }

  public static void expectCode(StatusCode code, ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOf(StrataException.class)
        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((StrataException) e).code()).isEqualTo(code));
  }

  @Override
  public void close() {
    journal.close();
    store.close();
    client.close();
  }
}
