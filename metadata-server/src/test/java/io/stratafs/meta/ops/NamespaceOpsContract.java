package io.stratafs.meta.ops;

import static io.stratafs.meta.MetaFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.common.StatusCode;
import io.stratafs.meta.MetaFixture;
import io.stratafs.meta.kv.Cf;
import io.stratafs.meta.storage.RealDaemons;
import io.stratafs.protocol.meta.*;
import io.stratafs.protocol.storage.DeviceStat;
import io.stratafs.protocol.storage.StorageRegistration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Namespace operations through MetaService; run on every KvStore. */
abstract class NamespaceOpsContract {
  protected MetaFixture f;

  protected abstract MetaFixture newFixture() throws Exception;

  @BeforeEach
  void open() throws Exception {
    f = newFixture();
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void rootExists() {
    Attr root = f.getattr(ROOT);
    assertThat(root.getMode()).isEqualTo(040755);
    assertThat(root.getNlink()).isEqualTo(2);
    assertThat(f.lookup(ROOT, "..").getIno()).isEqualTo(ROOT);
  }

  @Test
  void mkdirCreateLookupDotAndDotDot() {
    Attr d = f.mkdir(ROOT, "d");
    assertThat(d.getNlink()).isEqualTo(2);
    assertThat(f.getattr(ROOT).getNlink()).isEqualTo(3);
    Attr file = f.create(d.getIno(), "f");
    assertThat(file.getMode()).isEqualTo(0100644);
    assertThat(f.lookup(d.getIno(), "f").getIno()).isEqualTo(file.getIno());
    assertThat(f.lookup(d.getIno(), ".").getIno()).isEqualTo(d.getIno());
    assertThat(f.lookup(d.getIno(), "..").getIno()).isEqualTo(ROOT);
    expectCode(StatusCode.EXISTS, () -> f.create(d.getIno(), "f"));
    expectCode(StatusCode.EXISTS, () -> f.mkdir(d.getIno(), "f"));
    expectCode(StatusCode.NOT_FOUND, () -> f.lookup(d.getIno(), "nope"));
    expectCode(StatusCode.NOT_DIRECTORY, () -> f.lookup(file.getIno(), "x"));
    expectCode(StatusCode.NOT_DIRECTORY, () -> f.create(file.getIno(), "x"));
  }

  @Test
  void namesAreValidated() {
    expectCode(StatusCode.INVALID_ARGUMENT, () -> f.mkdir(ROOT, ""));
    expectCode(StatusCode.INVALID_ARGUMENT, () -> f.mkdir(ROOT, "a/b"));
    expectCode(StatusCode.INVALID_ARGUMENT, () -> f.mkdir(ROOT, "a\0b"));
    expectCode(StatusCode.NAME_TOO_LONG, () -> f.mkdir(ROOT, "x".repeat(256)));
    assertThat(f.mkdir(ROOT, "x".repeat(255)).getIno()).isPositive();
  }

  @Test
  void parentTimesChangeOnEntryChanges() {
    Attr d = f.mkdir(ROOT, "d");
    f.wall.addAndGet(1000);
    f.create(d.getIno(), "f");
    Attr after = f.getattr(d.getIno());
    assertThat(after.getMtimeNs()).isEqualTo(f.wall.get());
    assertThat(after.getCtimeNs()).isEqualTo(f.wall.get());
  }

  @Test
  void unlinkAndRmdir() {
    Attr d = f.mkdir(ROOT, "d");
    f.create(d.getIno(), "f");
    expectCode(StatusCode.NOT_EMPTY, () -> f.rmdir(ROOT_CALLER, ROOT, "d"));
    expectCode(StatusCode.IS_DIRECTORY, () -> f.unlink(ROOT_CALLER, ROOT, "d"));
    expectCode(StatusCode.NOT_DIRECTORY, () -> f.rmdir(ROOT_CALLER, d.getIno(), "f"));
    expectCode(StatusCode.INVALID_ARGUMENT, () -> f.rmdir(ROOT_CALLER, d.getIno(), "."));
    f.unlink(ROOT_CALLER, d.getIno(), "f");
    expectCode(StatusCode.NOT_FOUND, () -> f.lookup(d.getIno(), "f"));
    expectCode(StatusCode.NOT_FOUND, () -> f.unlink(ROOT_CALLER, d.getIno(), "f"));
    f.rmdir(ROOT_CALLER, ROOT, "d");
    assertThat(f.getattr(ROOT).getNlink()).isEqualTo(2);
    expectCode(StatusCode.NOT_FOUND, () -> f.getattr(d.getIno()));
  }

  @Test
  void hardLinksCountNlink() {
    Attr a = f.create(ROOT, "a");
    f.wall.addAndGet(5);
    Attr linked = f.link(a.getIno(), ROOT, "b");
    assertThat(linked.getNlink()).isEqualTo(2);
    assertThat(linked.getCtimeNs()).isEqualTo(f.wall.get());
    f.unlink(ROOT_CALLER, ROOT, "a");
    assertThat(f.lookup(ROOT, "b").getNlink()).isEqualTo(1);
    Attr d = f.mkdir(ROOT, "d");
    expectCode(StatusCode.PERMISSION_DENIED, () -> f.link(d.getIno(), ROOT, "dl"));
    expectCode(StatusCode.EXISTS, () -> f.link(a.getIno(), ROOT, "d"));
  }

  @Test
  void symlinkAndReadlink() {
    Attr s = f.svc.symlink(SymlinkRequest.newBuilder().setCaller(ROOT_CALLER).setParent(ROOT).setName(n("s"))
        .setTarget(n("../t/x")).build()).getAttr();
    assertThat(s.getMode()).isEqualTo(0120777);
    assertThat(s.getSize()).isEqualTo(6);
    assertThat(f.svc.readlink(ReadlinkRequest.newBuilder().setIno(s.getIno()).build()).getTarget().toStringUtf8())
        .isEqualTo("../t/x");
    Attr file = f.create(ROOT, "f");
    expectCode(StatusCode.INVALID_ARGUMENT,
        () -> f.svc.readlink(ReadlinkRequest.newBuilder().setIno(file.getIno()).build()));
  }

  @Test
  void mknodTypes() {
    int[] types = {0010000, 0140000, 0100000, 0020000, 0060000};
    for (int i = 0; i < types.length; i++) {
      Attr a = f.svc.mknod(MknodRequest.newBuilder().setCaller(ROOT_CALLER).setParent(ROOT).setName(n("n" + i))
          .setMode(types[i] | 0640).setRdev(0x0103).build()).getAttr();
      assertThat(a.getMode()).isEqualTo(types[i] | 0640);
      assertThat(a.getRdev()).isEqualTo(types[i] == 0020000 || types[i] == 0060000 ? 0x0103 : 0);
    }
    expectCode(StatusCode.PERMISSION_DENIED, () -> f.svc.mknod(MknodRequest.newBuilder()
        .setCaller(user(1000, 1000)).setParent(ROOT).setName(n("dev")).setMode(0020644).build()));
    expectCode(StatusCode.INVALID_ARGUMENT, () -> f.svc.mknod(MknodRequest.newBuilder()
        .setCaller(ROOT_CALLER).setParent(ROOT).setName(n("dir")).setMode(0040755).build()));
  }

  @Test
  void renameFileAndReplace() {
    Attr a = f.create(ROOT, "a");
    Attr b = f.create(ROOT, "b");
    f.rename(ROOT, "a", ROOT, "b");
    assertThat(f.lookup(ROOT, "b").getIno()).isEqualTo(a.getIno());
    expectCode(StatusCode.NOT_FOUND, () -> f.lookup(ROOT, "a"));
    expectCode(StatusCode.NOT_FOUND, () -> f.getattr(b.getIno()));
    expectCode(StatusCode.NOT_FOUND, () -> f.rename(ROOT, "a", ROOT, "c"));
  }

  @Test
  void renameDirectoriesUpdatesParentsAndLinks() {
    Attr p1 = f.mkdir(ROOT, "p1");
    Attr p2 = f.mkdir(ROOT, "p2");
    Attr d = f.mkdir(p1.getIno(), "d");
    f.rename(p1.getIno(), "d", p2.getIno(), "e");
    assertThat(f.getattr(p1.getIno()).getNlink()).isEqualTo(2);
    assertThat(f.getattr(p2.getIno()).getNlink()).isEqualTo(3);
    assertThat(f.lookup(d.getIno(), "..").getIno()).isEqualTo(p2.getIno());
    // replace an empty directory, not a full one
    Attr empty = f.mkdir(p1.getIno(), "empty");
    f.rename(p2.getIno(), "e", p1.getIno(), "empty");
    expectCode(StatusCode.NOT_FOUND, () -> f.getattr(empty.getIno()));
    assertThat(f.getattr(p1.getIno()).getNlink()).isEqualTo(3);
    assertThat(f.getattr(p2.getIno()).getNlink()).isEqualTo(2);
    Attr full = f.mkdir(p2.getIno(), "full");
    f.create(full.getIno(), "x");
    expectCode(StatusCode.NOT_EMPTY, () -> f.rename(p1.getIno(), "empty", p2.getIno(), "full"));
  }

  @Test
  void renameErrors() {
    Attr d = f.mkdir(ROOT, "d");
    Attr sub = f.mkdir(d.getIno(), "sub");
    f.create(ROOT, "file");
    expectCode(StatusCode.INVALID_ARGUMENT, () -> f.rename(ROOT, "d", sub.getIno(), "x"));
    expectCode(StatusCode.INVALID_ARGUMENT, () -> f.rename(ROOT, "d", d.getIno(), "x"));
    expectCode(StatusCode.NOT_DIRECTORY, () -> f.rename(ROOT, "d", ROOT, "file"));
    expectCode(StatusCode.IS_DIRECTORY, () -> f.rename(ROOT, "file", ROOT, "d"));
    expectCode(StatusCode.EXISTS, () -> f.rename(ROOT_CALLER, ROOT, "file", ROOT, "d", RenameOp.RENAME_NOREPLACE));
    expectCode(StatusCode.NOT_FOUND,
        () -> f.rename(ROOT_CALLER, ROOT, "file", ROOT, "none", RenameOp.RENAME_EXCHANGE));
  }

  @Test
  void renameExchangeSwapsAFileAndADirectory() {
    Attr p1 = f.mkdir(ROOT, "p1");
    Attr p2 = f.mkdir(ROOT, "p2");
    Attr dir = f.mkdir(p1.getIno(), "x");
    Attr file = f.create(p2.getIno(), "y");
    f.rename(ROOT_CALLER, p1.getIno(), "x", p2.getIno(), "y", RenameOp.RENAME_EXCHANGE);
    assertThat(f.lookup(p1.getIno(), "x").getIno()).isEqualTo(file.getIno());
    assertThat(f.lookup(p2.getIno(), "y").getIno()).isEqualTo(dir.getIno());
    assertThat(f.lookup(dir.getIno(), "..").getIno()).isEqualTo(p2.getIno());
    assertThat(f.getattr(p1.getIno()).getNlink()).isEqualTo(2);
    assertThat(f.getattr(p2.getIno()).getNlink()).isEqualTo(3);
  }

  @Test
  void renameOverAHardLinkOfItselfDoesNothing() {
    Attr a = f.create(ROOT, "a");
    f.link(a.getIno(), ROOT, "b");
    f.rename(ROOT, "a", ROOT, "b");
    assertThat(f.lookup(ROOT, "a").getNlink()).isEqualTo(2);
  }

  @Test
  void readdirPagesThroughTenThousandEntries() {
    Attr d = f.mkdir(ROOT, "big");
    // Build the directory in a few large batches instead of 10,000 RPC-sized mutations.
    for (int batch = 0; batch < 10; batch++) {
      int base = batch * 1000;
      f.journal.submit(tx -> {
        Tx t = Tx.writable(tx);
        for (int i = base; i < base + 1000; i++) {
          t.putDentry(d.getIno(), String.format("e%05d", i).getBytes(),
              new io.stratafs.meta.schema.Dentry(d.getIno(), 0040000));
        }
        return null;
      });
    }
    List<String> names = new ArrayList<>();
    String after = "";
    int calls = 0;
    while (true) {
      ReadDirReply r = f.svc.readdir(ReadDirRequest.newBuilder().setCaller(ROOT_CALLER).setIno(d.getIno())
          .setAfterName(n(after)).setMaxEntries(100).build());
      calls++;
      assertThat(r.getEntriesCount()).isLessThanOrEqualTo(100);
      r.getEntriesList().forEach(e -> names.add(e.getName().toStringUtf8()));
      if (r.getEof()) {
        break;
      }
      after = names.get(names.size() - 1);
    }
    assertThat(names).hasSize(10_000).isSorted();
    assertThat(calls).isEqualTo(100);
  }

  @Test
  void readdirPlusFillsAttrs() {
    Attr d = f.mkdir(ROOT, "d");
    Attr file = f.create(d.getIno(), "f");
    ReadDirReply r = f.svc.readdir(ReadDirRequest.newBuilder().setCaller(ROOT_CALLER).setIno(d.getIno())
        .setPlus(true).build());
    assertThat(r.getEof()).isTrue();
    assertThat(r.getEntries(0).getAttr()).isEqualTo(file);
  }

  @Test
  void aStatAheadLookupCarriesTheFollowingEntriesInNameOrderWithTheirAttributes() {
    Attr d = f.mkdir(ROOT, "d");
    List<Attr> files = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      files.add(f.create(d.getIno(), "f" + i));
    }
    LookupRequest.Builder req = LookupRequest.newBuilder().setCaller(ROOT_CALLER).setParent(d.getIno());

    LookupReply two = f.svc.lookup(req.setName(n("f1")).setStatAhead(2).build());
    assertThat(two.getAttr()).isEqualTo(files.get(1));
    assertThat(two.getFollowingList()).extracting(e -> e.getName().toStringUtf8()).containsExactly("f2", "f3");
    assertThat(two.getFollowingList()).extracting(DirEntry::getAttr).containsExactly(files.get(2), files.get(3));
    assertThat(two.getFollowingEof()).isFalse();

    LookupReply rest = f.svc.lookup(req.setName(n("f3")).setStatAhead(10).build());
    assertThat(rest.getFollowingList()).extracting(DirEntry::getAttr).containsExactly(files.get(4));
    assertThat(rest.getFollowingEof()).isTrue();

    assertThat(f.svc.lookup(req.setName(n("f1")).setStatAhead(0).build()).getFollowingCount()).isZero();
    assertThat(f.svc.lookup(req.setName(n(".")).setStatAhead(10).build()).getFollowingCount()).isZero();
    expectCode(StatusCode.NOT_FOUND, () -> f.svc.lookup(req.setName(n("f0a")).setStatAhead(10).build()));
  }

  @Test
  void xattrFlagsAndLimits() {
    Attr a = f.create(ROOT, "a");
    SetXattrRequest.Builder set = SetXattrRequest.newBuilder().setCaller(ROOT_CALLER).setIno(a.getIno())
        .setName(n("user.k")).setValue(n("v1"));
    expectCode(StatusCode.NO_ATTRIBUTE, () -> f.svc.setxattr(set.setFlags(2).build()));
    f.svc.setxattr(set.setFlags(1).build());
    expectCode(StatusCode.EXISTS, () -> f.svc.setxattr(set.setFlags(1).build()));
    f.svc.setxattr(set.setFlags(2).setValue(n("v2")).build());
    GetXattrRequest get = GetXattrRequest.newBuilder().setCaller(ROOT_CALLER).setIno(a.getIno()).setName(n("user.k")).build();
    assertThat(f.svc.getxattr(get).getValue().toStringUtf8()).isEqualTo("v2");
    assertThat(f.svc.listxattr(ListXattrRequest.newBuilder().setIno(a.getIno()).build()).getNamesList())
        .containsExactly(n("user.k"));
    f.svc.removexattr(RemoveXattrRequest.newBuilder().setCaller(ROOT_CALLER).setIno(a.getIno()).setName(n("user.k")).build());
    expectCode(StatusCode.NO_ATTRIBUTE, () -> f.svc.getxattr(get));
    expectCode(StatusCode.NO_SPACE, () -> f.svc.setxattr(set.setFlags(0)
        .setValue(com.google.protobuf.ByteString.copyFrom(new byte[64 * 1024 + 1])).build()));
    expectCode(StatusCode.RANGE, () -> f.svc.setxattr(set.setName(n("u".repeat(256))).setValue(n("x")).build()));
  }

  @Test
  void setattrModeOwnerTimes() {
    Attr a = f.create(ROOT, "a");
    f.wall.addAndGet(7);
    Attr r = f.setattr(ROOT_CALLER, a.getIno(), SetAttrField.SET_MODE_VALUE | SetAttrField.SET_UID_VALUE,
        SetAttrRequest.newBuilder().setMode(06755).setUid(1000));
    assertThat(r.getUid()).isEqualTo(1000);
    assertThat(r.getMode()).isEqualTo(0100755); // chown cleared suid and (group-exec) sgid
    assertThat(r.getCtimeNs()).isEqualTo(f.wall.get());
    r = f.setattr(ROOT_CALLER, a.getIno(), SetAttrField.SET_ATIME_VALUE | SetAttrField.SET_MTIME_NOW_VALUE,
        SetAttrRequest.newBuilder().setAtimeNs(123));
    assertThat(r.getAtimeNs()).isEqualTo(123);
    assertThat(r.getMtimeNs()).isEqualTo(f.wall.get());
  }

  @Test
  void truncateDropsChunksPastTheEndAndCutsTheStraddlingOne(@TempDir Path storageDir) {
    try (RealDaemons daemons = new RealDaemons(storageDir, "s1")) {
      truncateDropsChunksPastTheEndAndCutsTheStraddlingOne(daemons);
    }
  }

  private void truncateDropsChunksPastTheEndAndCutsTheStraddlingOne(RealDaemons daemons) {
    f.storages.add(daemons.registration("s1"));
    Attr a = f.create(ROOT, "a");
    ChunksReply chunks = f.svc.allocChunks(AllocChunksRequest.newBuilder().setCaller(ROOT_CALLER)
        .setIno(a.getIno()).addIndexes(0).addIndexes(1).addIndexes(2).build());
    assertThat(chunks.getChunksList()).extracting(ChunkInfo::getVersion).containsOnly(1L);
    for (ChunkInfo c : chunks.getChunksList()) {
      daemons.put(c.getReplicas(0), c.getChunkId(), 1, new byte[1024]);
    }
    f.svc.commitWrite(CommitWriteRequest.newBuilder().setCaller(ROOT_CALLER).setIno(a.getIno()).setNewSize(3000).build());
    assertThat(f.getattr(a.getIno()).getSize()).isEqualTo(3000);
    Attr r = f.setattr(ROOT_CALLER, a.getIno(), SetAttrField.SET_SIZE_VALUE, SetAttrRequest.newBuilder().setSize(1500));
    assertThat(r.getSize()).isEqualTo(1500);
    long straddling = chunks.getChunks(1).getChunkId();
    // Only the straddling chunk is cut on the daemon; the one past the end waits for gc.
    assertThat(daemons.get("s1", chunks.getChunks(0).getChunkId())).hasSize(1024);
    assertThat(daemons.get("s1", straddling)).hasSize(476);
    assertThat(daemons.get("s1", chunks.getChunks(2).getChunkId())).hasSize(1024);
    ChunksReply left = f.svc.getChunks(GetChunksRequest.newBuilder().setIno(a.getIno()).setCount(10).build());
    assertThat(left.getChunksList()).extracting(ChunkInfo::getIndex).containsExactly(0L, 1L);
    assertThat(f.store.scan(Cf.GC, new byte[0], null, 10)).hasSize(1);
  }

  @Test
  void unlinkQueuesChunksForGcAndAllocationNeedsAStorageDaemon() {
    Attr a = f.create(ROOT, "a");
    expectCode(StatusCode.NO_SPACE, () -> f.svc.allocChunks(AllocChunksRequest.newBuilder()
        .setCaller(ROOT_CALLER).setIno(a.getIno()).addIndexes(0).build()));
    f.storages.add(StorageRegistration.newBuilder().setStorageId("s1").setAddress("10.0.0.1:9")
        .addDevices(DeviceStat.newBuilder().setName("d0").setMedia("nvme").setFreeBytes(10)).build());
    f.storages.add(StorageRegistration.newBuilder().setStorageId("s2").setAddress("hostb:9")
        .addDevices(DeviceStat.newBuilder().setName("d0").setMedia("nvme").setFreeBytes(99)).build());
    ChunksReply c = f.svc.allocChunks(AllocChunksRequest.newBuilder().setCaller(ROOT_CALLER)
        .setIno(a.getIno()).addIndexes(0).addIndexes(1).build());
    assertThat(c.getChunks(0).getReplicas(0).getStorageId()).isEqualTo("s2");
    assertThat(c.getChunks(1).getReplicas(0).getStorageId()).isEqualTo("s1");
    ChunksReply local = f.svc.allocChunks(AllocChunksRequest.newBuilder().setCaller(ROOT_CALLER)
        .setIno(a.getIno()).addIndexes(0).addIndexes(5).setClientHost("10.0.0.1").build());
    assertThat(local.getChunks(0)).isEqualTo(c.getChunks(0));
    assertThat(local.getChunks(1).getReplicas(0).getStorageId()).isEqualTo("s1");
    f.unlink(ROOT_CALLER, ROOT, "a");
    assertThat(f.store.scan(Cf.GC, new byte[0], null, 10)).hasSize(3);
    assertThat(f.store.scan(Cf.CHUNKS, new byte[0], null, 10)).isEmpty();
    StatFsReply st = f.svc.statfs(StatFsRequest.getDefaultInstance());
    assertThat(st.getFreeBytes()).isEqualTo(109);
    assertThat(st.getNameMax()).isEqualTo(255);
  }

  @Test
  void statfsCountsADiskSharedBySeveralDevicesOnce() {
    DeviceStat onDiskA = DeviceStat.newBuilder().setName("d0").setCapacityBytes(1000).setFreeBytes(400)
        .setFilesystemId("host1:2049").build();
    f.storages.add(StorageRegistration.newBuilder().setStorageId("s1").addDevices(onDiskA).build());
    f.storages.add(StorageRegistration.newBuilder().setStorageId("s2").addDevices(onDiskA)
        .addDevices(DeviceStat.newBuilder().setName("d1").setCapacityBytes(50).setFreeBytes(5)
            .setFilesystemId("host1:2050"))
        .addDevices(DeviceStat.newBuilder().setName("unknown").setCapacityBytes(7).setFreeBytes(7))
        .build());
    StatFsReply st = f.svc.statfs(StatFsRequest.getDefaultInstance());
    assertThat(st.getTotalBytes()).isEqualTo(1057);
    assertThat(st.getFreeBytes()).isEqualTo(412);
  }
}
