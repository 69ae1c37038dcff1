package io.stratafs.storage.external;

class MemoryBackendTest extends BlobBackendContract {
  @Override
  protected BlobBackend newBackend() {
    return new MemoryBackend("test");
  }
}
