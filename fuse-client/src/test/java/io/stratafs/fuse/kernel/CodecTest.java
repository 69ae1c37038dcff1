package io.stratafs.fuse.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stratafs.common.StrataException;
import io.stratafs.fuse.vfs.SetAttrChange;
import io.stratafs.protocol.meta.Attr;
import io.stratafs.protocol.meta.SetAttrField;
import io.stratafs.protocol.meta.StatFsReply;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The struct codecs, without a kernel. */
class CodecTest {
  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }

  static Attr sampleAttr() {
    return Attr.newBuilder().setIno(77).setMode(0100644).setUid(1000).setGid(100).setSize(1025)
        .setAtimeNs(1_700_000_000_123_456_789L).setMtimeNs(-1_500_000_000L).setCtimeNs(5)
        .setNlink(3).setRdev(0x0801).setGeneration(9).build();
  }

  @Test
  void attrRoundTripsWithFloorSplitTimes() {
    ByteBuffer b = le(FuseConstants.ATTR_SIZE);
    AttrCodec.putAttr(b, sampleAttr());
    assertThat(b.position()).isEqualTo(FuseConstants.ATTR_SIZE);
    b.flip();
    Attr back = AttrCodec.getAttr(b);
    assertThat(back).isEqualTo(sampleAttr().toBuilder().setGeneration(0).build());
    // blocks = ceil(1025 / 512) = 3, blksize 4096; mtime -1.5 s = sec -2, nsec 500000000.
    assertThat(b.getLong(16)).isEqualTo(3);
    assertThat(b.getLong(32)).isEqualTo(-2);
    assertThat(b.getInt(52)).isEqualTo(500_000_000);
    assertThat(b.getInt(80)).isEqualTo(4096);
  }

  @Test
  void entryAndAttrOutLayouts() {
    ByteBuffer b = le(FuseConstants.ENTRY_OUT_SIZE);
    AttrCodec.putEntryOut(b, sampleAttr(), Duration.ofMillis(1500), Duration.ofSeconds(2));
    assertThat(b.position()).isEqualTo(128);
    assertThat(b.getLong(0)).isEqualTo(77);
    assertThat(b.getLong(8)).isEqualTo(9);
    assertThat(b.getLong(16)).isEqualTo(1);
    assertThat(b.getLong(24)).isEqualTo(2);
    assertThat(b.getInt(32)).isEqualTo(500_000_000);
    assertThat(b.getInt(36)).isZero();
    ByteBuffer a = le(FuseConstants.ATTR_OUT_SIZE);
    AttrCodec.putAttrOut(a, sampleAttr(), Duration.ofSeconds(1));
    assertThat(a.position()).isEqualTo(104);
    a.position(16);
    assertThat(AttrCodec.getAttr(a).getIno()).isEqualTo(77);
  }

  @Test
  void direntsAreEightByteAligned() {
    for (int len = 1; len <= 20; len++) {
      byte[] name = "n".repeat(len).getBytes(StandardCharsets.US_ASCII);
      ByteBuffer b = le(256);
      DirentCodec.putDirent(b, 5, 6, 0040755, name);
      assertThat(b.position() % 8).isZero();
      assertThat(b.position()).isEqualTo(DirentCodec.direntSize(len));
      assertThat(b.position()).isGreaterThanOrEqualTo(24 + len).isLessThan(24 + len + 8);
      assertThat(b.getInt(16)).isEqualTo(len);
      assertThat(b.getInt(20)).isEqualTo(4); // DT_DIR
      ByteBuffer p = le(512);
      DirentCodec.putDirentPlus(p, 5, 6, 0100644, name, sampleAttr(), Duration.ZERO,
          Duration.ZERO);
      assertThat(p.position()).isEqualTo(DirentCodec.direntPlusSize(len));
      assertThat(p.position() % 8).isZero();
      assertThat(p.getInt(128 + 20)).isEqualTo(8); // DT_REG
    }
    assertThat(DirentCodec.direntSize(8)).isEqualTo(32);
    assertThat(DirentCodec.direntPlusSize(9)).isEqualTo(168);
    assertThat(DirentCodec.direntType(0120777)).isEqualTo(10); // DT_LNK
  }

  @Test
  void initNegotiatesTheIntersectionAndCapsTheMinor() {
    ByteBuffer in = le(64);
    long offered = 0xFFFF_FFFFL & ~FuseConstants.INIT_EXT;
    in.putInt(7).putInt(45).putInt(131072).putInt((int) offered).putInt(0);
    in.flip();
    InitCodec.InitOut out = InitCodec.negotiate(InitCodec.decodeIn(in));
    assertThat(out.minor()).isEqualTo(38);
    assertThat(out.flags()).isEqualTo(InitCodec.WANTED_FLAGS);
    assertThat(out.has(FuseConstants.ATOMIC_O_TRUNC)).isFalse();
    assertThat(out.has(FuseConstants.WRITEBACK_CACHE)).isFalse();
    assertThat(out.has(FuseConstants.POSIX_LOCKS)).isTrue();
    assertThat(out.has(FuseConstants.FLOCK_LOCKS)).isTrue();
    assertThat(out.has(FuseConstants.SETXATTR_EXT)).isFalse();
    assertThat(out.has(FuseConstants.INIT_EXT)).isFalse();
    ByteBuffer enc = le(FuseConstants.INIT_OUT_SIZE);
    InitCodec.encodeOut(enc, out);
    assertThat(enc.position()).isEqualTo(64);
    enc.flip();
    InitCodec.InitOut back = InitCodec.decodeOut(enc);
    assertThat(back).isEqualTo(out);
    assertThat(back.maxWrite()).isEqualTo(1 << 20);
    assertThat(back.maxPages()).isEqualTo(256);
    assertThat(back.maxReadahead()).isEqualTo(131072);
    assertThat(back.timeGran()).isEqualTo(1);
  }

  @Test
  void initKeepsAnOlderKernelsMinorAndOnlyOfferedFlags() {
    ByteBuffer in = le(64);
    in.putInt(7).putInt(31).putInt(4096)
        .putInt((int) (FuseConstants.ASYNC_READ | FuseConstants.INIT_EXT)).putInt(0xFFFF);
    in.flip();
    InitCodec.InitIn decoded = InitCodec.decodeIn(in);
    assertThat(decoded.flags() >>> 32).isEqualTo(0xFFFF);
    InitCodec.InitOut out = InitCodec.negotiate(decoded);
    assertThat(out.minor()).isEqualTo(31);
    assertThat(out.flags()).isEqualTo(FuseConstants.ASYNC_READ);
    ByteBuffer old = le(64);
    old.putInt(7).putInt(26).putInt(0).putInt(0).flip();
    assertThatThrownBy(() -> InitCodec.negotiate(InitCodec.decodeIn(old)))
        .isInstanceOf(StrataException.class)
        .hasMessageContaining("7.26");
  }

  @Test
  void setattrBitsAndTimesMapToSetAttrChange() {
    ByteBuffer b = le(SetAttrCodec.SETATTR_IN_SIZE);
    int fattr = FuseConstants.FATTR_MODE | FuseConstants.FATTR_SIZE | FuseConstants.FATTR_FH
        | FuseConstants.FATTR_ATIME | FuseConstants.FATTR_ATIME_NOW | FuseConstants.FATTR_MTIME
        | FuseConstants.FATTR_KILL_SUIDGID | FuseConstants.FATTR_LOCKOWNER;
    SetAttrCodec.encode(b, fattr, 42, 4096, 7, 1_000_000_001L, 0, 0644, 5, 6);
    assertThat(b.position()).isEqualTo(88);
    b.flip();
    SetAttrCodec.SetAttrIn in = SetAttrCodec.decode(b);
    SetAttrChange c = in.change();
    assertThat(in.fh()).isEqualTo(42);
    assertThat(c.valid()).isEqualTo(SetAttrField.SET_MODE_VALUE | SetAttrField.SET_SIZE_VALUE
        | SetAttrField.SET_ATIME_VALUE | SetAttrField.SET_ATIME_NOW_VALUE
        | SetAttrField.SET_MTIME_VALUE | SetAttrField.SET_KILL_SUIDGID_VALUE);
    assertThat(c.size()).isEqualTo(4096);
    assertThat(c.mode()).isEqualTo(0644);
    assertThat(c.atimeNs()).isEqualTo(7);
    assertThat(c.mtimeNs()).isEqualTo(1_000_000_001L);
    assertThat(c.uid()).isEqualTo(5);
    assertThat(c.gid()).isEqualTo(6);
    // Every FATTR bit the Vfs understands has a distinct SetAttrField bit.
    assertThat(SetAttrCodec.toSetAttrFields(0xFFF)).isEqualTo(0x3FF);
    ByteBuffer noFh = le(88);
    SetAttrCodec.encode(noFh, FuseConstants.FATTR_UID, 42, 0, 0, 0, 0, 0, 1, 0);
    noFh.flip();
    assertThat(SetAttrCodec.decode(noFh).fh()).isEqualTo(-1);
  }

  @Test
  void statfsConvertsBytesToBlocks() {
    ByteBuffer b = le(FuseConstants.KSTATFS_SIZE);
    StatfsCodec.encode(b, StatFsReply.newBuilder().setTotalBytes(1 << 30).setFreeBytes(1 << 20)
        .setAvailBytes(8192).setTotalInodes(10).setFreeInodes(4).build());
    assertThat(b.position()).isEqualTo(80);
    assertThat(b.getLong(0)).isEqualTo((1 << 30) / 4096);
    assertThat(b.getLong(8)).isEqualTo(256);
    assertThat(b.getLong(16)).isEqualTo(2);
    assertThat(b.getInt(40)).isEqualTo(4096);
    assertThat(b.getInt(44)).isEqualTo(255);
    assertThat(b.getInt(48)).isEqualTo(4096);
  }

  @Test
  void ioctlCloneNumberMatchesTheKernelHeader() {
    // _IOR(229, 0, uint32_t) as the kernel computes it.
    assertThat(Syscalls.FUSE_DEV_IOC_CLONE).isEqualTo(0x8004E500L);
  }

  @Test
  void groupsLineParsesAndMountinfoUnescapes() {
    assertThat(GroupResolver.parseGroupsLine("Groups:\t4 24 27 ")).containsExactly(4, 24, 27);
    assertThat(GroupResolver.parseGroupsLine("Groups:")).isEmpty();
    List<MountTable.Entry> entries = MountTable.parse(List.of(
        "36 35 98:0 /mnt1 /mnt/a\\040b rw,noatime master:1 - fuse.strata strata rw",
        "37 35 0:45 / /tmp/x rw shared:2 - ext4 /dev/sda1 rw"));
    assertThat(entries).containsExactly(
        new MountTable.Entry(98, 0, "/mnt/a b", "fuse.strata"),
        new MountTable.Entry(0, 45, "/tmp/x", "ext4"));
    assertThat(entries.get(0).isFuse()).isTrue();
    assertThat(entries.get(1).isFuse()).isFalse();
    assertThat(MountTable.find(entries, java.nio.file.Path.of("/mnt/a b/"))).isPresent();
  }

  @Test
  void mountDataCarriesTheOptions() {
    FuseMountOptions o = FuseMountOptions.defaults(java.nio.file.Path.of("/m"));
    assertThat(FuseMount.mountData(7, o, 0, 0)).isEqualTo(
        "fd=7,rootmode=40000,user_id=0,group_id=0,allow_other,default_permissions,"
            + "max_read=1048576");
    FuseMountOptions noOther = new FuseMountOptions(o.mountPoint(), o.fsName(), 1,
        o.entryTimeout(), o.attrTimeout(), false, 0);
    assertThat(FuseMount.mountData(3, noOther, 5, 6)).doesNotContain("allow_other")
        .contains("user_id=5,group_id=6");
    assertThat(o.workers()).isEqualTo(4);
    assertThat(o.fsName()).isEqualTo("strata");
  }
}
