package io.stratafs.storage.chunk;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.io.IOException;

/** Maps an {@link IOException} of a chunk operation to its status, once. */
final class IoErrors {
  private IoErrors() {}

  static StrataException map(IOException e, String operation, Device device, long chunkId) {
    String msg = String.valueOf(e.getMessage());
    if (msg.contains("No space left on device") || msg.contains("Disk quota exceeded")) {
      return new StrataException(
          StatusCode.NO_SPACE,
          String.format(
              "device %s (%s) is full while %s chunk %s: free space there or write to another device",
              device.name(), device.root(), operation, ChunkStore.hex(chunkId)),
          e);
    }
    return new StrataException(
        StatusCode.IO_ERROR,
        String.format(
            "I/O error %s chunk %s at %s: %s",
            operation, ChunkStore.hex(chunkId), device.dataPath(chunkId), e),
        e);
  }
}
