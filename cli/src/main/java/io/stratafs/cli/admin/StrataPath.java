package io.stratafs.cli.admin;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.fuse.kernel.FuseMount;
import io.stratafs.protocol.meta.Caller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A path on a mounted StrataFS, as the inode the metadata server knows: the mount reports each
 * file's StrataFS inode number as its st_ino (AttrCodec), so a stat through the mount is the
 * lookup. Also who is asking: this process's uid/gid (the owner of /proc/self).
 */
record StrataPath(Path path, Path mountPoint, long ino) {
  static StrataPath resolve(String given) {
    Path real;
    try {
      real = Path.of(given).toRealPath();
    } catch (NoSuchFileException e) {
      throw new StrataException(StatusCode.NOT_FOUND, given + ": no such file or directory");
    } catch (IOException e) {
      throw new StrataException(StatusCode.IO_ERROR, given + ": " + e.getMessage(), e);
    }
    Path mount =
        FuseMount.strataMountContaining(real)
            .orElseThrow(
                () -> new StrataException(
                    StatusCode.INVALID_ARGUMENT,
                    given + " is not on a StrataFS mount (policies apply to files and directories of a mounted StrataFS, e.g. under the mount point `strata status` shows)"));
    try {
      return new StrataPath(real, mount, (Long) Files.getAttribute(real, "unix:ino"));
    } catch (IOException e) {
      throw new StrataException(StatusCode.IO_ERROR, "cannot stat " + real + ": " + e.getMessage(), e);
    }
  }

  static Caller caller() {
    try {
      Path self = Path.of("/proc/self");
      return Caller.newBuilder()
          .setUid((Integer) Files.getAttribute(self, "unix:uid"))
          .setGid((Integer) Files.getAttribute(self, "unix:gid"))
          .setPid((int) ProcessHandle.current().pid())
          .build();
    } catch (IOException | UnsupportedOperationException e) {
      throw new StrataException(StatusCode.NOT_SUPPORTED, "cannot tell this process's uid/gid: " + e.getMessage());
    }
  }
}
