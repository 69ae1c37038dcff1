package io.stratafs.meta.ops;

import static io.stratafs.meta.MetaFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.common.StatusCode;
import io.stratafs.meta.MetaFixture;
import io.stratafs.protocol.meta.*;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** POSIX permission cases as uid 1000 versus root, EACCES vs EPERM as Linux answers. */
class PermissionTest {
  static final Caller ALICE = user(1000, 1000);
  static final Caller BOB = user(1001, 1001, 50);
  final MetaFixture f = MetaFixture.memory();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void writeAndSearchOnTheParent() {
    Attr d = f.mkdir(ROOT_CALLER, ROOT, "d", 0755);
    expectCode(StatusCode.ACCESS_DENIED, () -> f.create(ALICE, d.getIno(), "x", 0644));
    Attr locked = f.mkdir(ROOT_CALLER, ROOT, "locked", 0700);
    f.create(ROOT_CALLER, locked.getIno(), "x", 0644);
    expectCode(StatusCode.ACCESS_DENIED, () -> f.lookup(ALICE, locked.getIno(), "x"));
    assertThat(f.lookup(ROOT_CALLER, locked.getIno(), "x").getIno()).isPositive();
    expectCode(StatusCode.ACCESS_DENIED, () -> f.unlink(ALICE, locked.getIno(), "x"));
  }

  @Test
  void searchPermissionAloneGetsTheNameAskedForButNoneAhead() {
    Attr searchOnly = f.mkdir(ROOT_CALLER, ROOT, "search-only", 0711);
    Attr asked = f.create(ROOT_CALLER, searchOnly.getIno(), "a", 0644);
    f.create(ROOT_CALLER, searchOnly.getIno(), "b", 0644);
    LookupRequest.Builder req =
        LookupRequest.newBuilder().setParent(searchOnly.getIno()).setName(n("a")).setStatAhead(10);

    LookupReply alice = f.svc.lookup(req.setCaller(ALICE).build());
    assertThat(alice.getAttr()).isEqualTo(asked);
    assertThat(alice.getFollowingCount()).isZero(); // "b" stays hidden from one who may not list

    assertThat(f.svc.lookup(req.setCaller(ROOT_CALLER).build()).getFollowingCount()).isEqualTo(1);
  }

  @Test
  void ownershipAndGroupOfNewFiles() {
    Attr open = f.mkdir(ROOT_CALLER, ROOT, "open", 0777);
    Attr file = f.create(ALICE, open.getIno(), "mine", 0666);
    assertThat(file.getUid()).isEqualTo(1000);
    assertThat(file.getGid()).isEqualTo(1000);
    f.setattr(ROOT_CALLER, open.getIno(), SetAttrField.SET_MODE_VALUE | SetAttrField.SET_GID_VALUE,
        SetAttrRequest.newBuilder().setMode(02777).setGid(50));
    Attr sub = f.mkdir(ALICE, open.getIno(), "sub", 0755);
    assertThat(sub.getGid()).isEqualTo(50);
    assertThat(sub.getMode() & 02000).isEqualTo(02000);
    assertThat(f.create(ALICE, open.getIno(), "f2", 0644).getGid()).isEqualTo(50);
  }

  @Test
  void stickyDirectory() {
    Attr tmp = f.mkdir(ROOT_CALLER, ROOT, "tmp", 01777);
    f.create(ALICE, tmp.getIno(), "a", 0666);
    expectCode(StatusCode.PERMISSION_DENIED, () -> f.unlink(BOB, tmp.getIno(), "a"));
    expectCode(StatusCode.PERMISSION_DENIED, () -> f.rename(BOB, tmp.getIno(), "a", tmp.getIno(), "b", 0));
    f.unlink(ALICE, tmp.getIno(), "a");
    f.mkdir(ALICE, tmp.getIno(), "d", 0777);
    expectCode(StatusCode.PERMISSION_DENIED, () -> f.rmdir(BOB, tmp.getIno(), "d"));
    f.rmdir(ROOT_CALLER, tmp.getIno(), "d");
  }

  @Test
  void chmodAndChownRules() {
    Attr open = f.mkdir(ROOT_CALLER, ROOT, "open", 0777);
    Attr file = f.create(ALICE, open.getIno(), "a", 0644);
    long ino = file.getIno();
    expectCode(StatusCode.PERMISSION_DENIED,
        () -> f.setattr(BOB, ino, SetAttrField.SET_MODE_VALUE, SetAttrRequest.newBuilder().setMode(0777)));
    expectCode(StatusCode.PERMISSION_DENIED,
        () -> f.setattr(ALICE, ino, SetAttrField.SET_UID_VALUE, SetAttrRequest.newBuilder().setUid(1001)));
    expectCode(StatusCode.PERMISSION_DENIED,
        () -> f.setattr(ALICE, ino, SetAttrField.SET_GID_VALUE, SetAttrRequest.newBuilder().setGid(50)));
    Caller aliceIn50 = user(1000, 1000, 50);
    assertThat(f.setattr(aliceIn50, ino, SetAttrField.SET_GID_VALUE, SetAttrRequest.newBuilder().setGid(50)).getGid())
        .isEqualTo(50);
    // A non-root owner outside the file's group loses S_ISGID on chmod.
    Attr r = f.setattr(ALICE, ino, SetAttrField.SET_MODE_VALUE, SetAttrRequest.newBuilder().setMode(02755));
    assertThat(r.getMode()).isEqualTo(0100755);
  }

  @Test
  void utimesRules() {
    Attr open = f.mkdir(ROOT_CALLER, ROOT, "open", 0777);
    Attr file = f.create(ALICE, open.getIno(), "a", 0666);
    // Without writeback caching the kernel sends utimensat(NULL) as explicit times, after it has
    // refused real explicit times from non-owners itself: write access is what the server checks.
    f.setattr(BOB, file.getIno(), SetAttrField.SET_MTIME_VALUE, SetAttrRequest.newBuilder().setMtimeNs(5));
    f.setattr(BOB, file.getIno(), SetAttrField.SET_MTIME_NOW_VALUE | SetAttrField.SET_ATIME_NOW_VALUE,
        SetAttrRequest.newBuilder());
    Attr ro = f.create(ALICE, open.getIno(), "ro", 0644);
    expectCode(StatusCode.ACCESS_DENIED, () -> f.setattr(BOB, ro.getIno(), SetAttrField.SET_MTIME_NOW_VALUE,
        SetAttrRequest.newBuilder()));
    expectCode(StatusCode.ACCESS_DENIED, () -> f.setattr(BOB, ro.getIno(), SetAttrField.SET_MTIME_VALUE,
        SetAttrRequest.newBuilder().setMtimeNs(5)));
  }

  @Test
  void aWriterMayDropThePrivilegeBitsButNotOtherwiseChmod() {
    Attr open = f.mkdir(ROOT_CALLER, ROOT, "open", 0777);
    Attr file = f.create(ALICE, open.getIno(), "a", 0666);
    long ino = f.setattr(ALICE, file.getIno(), SetAttrField.SET_MODE_VALUE,
        SetAttrRequest.newBuilder().setMode(06777)).getIno();
    // What the kernel sends, as the writer, when a write must clear S_ISUID/S_ISGID.
    expectCode(StatusCode.PERMISSION_DENIED,
        () -> f.setattr(BOB, ino, SetAttrField.SET_MODE_VALUE, SetAttrRequest.newBuilder().setMode(06776)));
    expectCode(StatusCode.PERMISSION_DENIED,
        () -> f.setattr(BOB, ino, SetAttrField.SET_MODE_VALUE, SetAttrRequest.newBuilder().setMode(07777)));
    Attr r = f.setattr(BOB, ino, SetAttrField.SET_MODE_VALUE, SetAttrRequest.newBuilder().setMode(0777));
    assertThat(r.getMode() & 07777).isEqualTo(0777);
    Attr ro = f.create(ALICE, open.getIno(), "ro", 0644);
    long roIno = f.setattr(ALICE, ro.getIno(), SetAttrField.SET_MODE_VALUE,
        SetAttrRequest.newBuilder().setMode(04644)).getIno();
    expectCode(StatusCode.PERMISSION_DENIED,
        () -> f.setattr(BOB, roIno, SetAttrField.SET_MODE_VALUE, SetAttrRequest.newBuilder().setMode(0644)));
  }

  @Test
  void sizesPastTheMaximumFileSizeAreEfbig() {
    Attr file = f.create(ROOT_CALLER, ROOT, "big", 0644);
    expectCode(StatusCode.FILE_TOO_BIG, () -> f.setattr(ROOT_CALLER, file.getIno(), SetAttrField.SET_SIZE_VALUE,
        SetAttrRequest.newBuilder().setSize(io.stratafs.common.FileLimits.MAX_FILE_SIZE + 1)));
    assertThat(f.setattr(ROOT_CALLER, file.getIno(), SetAttrField.SET_SIZE_VALUE,
        SetAttrRequest.newBuilder().setSize(io.stratafs.common.FileLimits.MAX_FILE_SIZE)).getSize())
        .isEqualTo(io.stratafs.common.FileLimits.MAX_FILE_SIZE);
  }

  @Test
  void accessAndRootExecute() {
    Attr file = f.create(ROOT_CALLER, ROOT, "a", 0644);
    AccessRequest.Builder acc = AccessRequest.newBuilder().setIno(file.getIno());
    f.svc.access(acc.setCaller(ALICE).setMask(4).build());
    expectCode(StatusCode.ACCESS_DENIED, () -> f.svc.access(acc.setCaller(ALICE).setMask(2).build()));
    f.svc.access(acc.setCaller(ROOT_CALLER).setMask(6).build());
    expectCode(StatusCode.ACCESS_DENIED, () -> f.svc.access(acc.setCaller(ROOT_CALLER).setMask(1).build()));
    expectCode(StatusCode.ACCESS_DENIED, () -> f.svc.open(OpenRequest.newBuilder().setCaller(ALICE)
        .setIno(file.getIno()).setFlags(OpenOp.O_RDWR).build()));
  }

  @Test
  void commitWriteByNonRootDropsSetuid() {
    Attr open = f.mkdir(ROOT_CALLER, ROOT, "open", 0777);
    Attr file = f.create(ALICE, open.getIno(), "a", 06775);
    assertThat(file.getMode() & 07000).isEqualTo(06000);
    Attr r = f.svc.commitWrite(CommitWriteRequest.newBuilder().setCaller(ALICE).setIno(file.getIno())
        .setNewSize(10).build()).getAttr();
    assertThat(r.getMode() & 07777).isEqualTo(0775);
    assertThat(r.getSize()).isEqualTo(10);
  }

  @Test
  void xattrNamespacesAndTrustedListing() {
    Attr file = f.create(ROOT_CALLER, ROOT, "x", 0644);
    SetXattrRequest.Builder set = SetXattrRequest.newBuilder().setCaller(ROOT_CALLER).setIno(file.getIno())
        .setValue(com.google.protobuf.ByteString.copyFromUtf8("v"));
    expectCode(StatusCode.INVALID_ARGUMENT,
        () -> f.svc.setxattr(set.setName(com.google.protobuf.ByteString.copyFromUtf8("user.")).build()));
    for (String bad : new String[] {"plain", "bogus.x", "system.posix_acl_access"}) {
      expectCode(StatusCode.NOT_SUPPORTED,
          () -> f.svc.setxattr(set.setName(com.google.protobuf.ByteString.copyFromUtf8(bad)).build()));
    }
    f.svc.setxattr(set.setName(com.google.protobuf.ByteString.copyFromUtf8("user.u")).build());
    f.svc.setxattr(set.setName(com.google.protobuf.ByteString.copyFromUtf8("trusted.t")).build());
    f.svc.setxattr(set.setName(com.google.protobuf.ByteString.copyFromUtf8("security.s")).build());
    ListXattrRequest.Builder list = ListXattrRequest.newBuilder().setIno(file.getIno());
    assertThat(f.svc.listxattr(list.setCaller(ROOT_CALLER).build()).getNamesCount()).isEqualTo(3);
    assertThat(f.svc.listxattr(list.setCaller(ALICE).build()).getNamesList())
        .extracting(com.google.protobuf.ByteString::toStringUtf8)
        .containsExactlyInAnyOrder("user.u", "security.s");
  }
}
