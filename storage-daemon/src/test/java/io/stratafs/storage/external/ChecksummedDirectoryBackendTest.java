package io.stratafs.storage.external;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The stack StrataFS uses on a NAS: the checksum and prefix decorators keep the contract. */
class ChecksummedDirectoryBackendTest extends BlobBackendContract {
  @TempDir Path dir;

  @Override
  protected BlobBackend newBackend() {
    return new ChecksummedBackend(new PrefixedBackend(new DirectoryBackend(dir), "fs1"));
  }
}
