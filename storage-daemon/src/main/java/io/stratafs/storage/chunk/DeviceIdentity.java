package io.stratafs.storage.chunk;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratafs.common.ChunkFileFormat;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.storage.DeviceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The {@code STRATA_DEVICE} file at a device's root: which storage daemon owns the directory, under
 * which device name and media, and the CRC block size of its chunk files ({@code crcBlockSize}; 0
 * when the file predates the field, meaning {@link ChunkFileFormat#LEGACY_BLOCK_SIZE}). Written at
 * first use (atomically, by rename); checked at every start so two daemons never share a directory
 * and a device never silently changes media or checksum layout. A daemon too old to know a field
 * refuses the file rather than misread its chunks.
 */
record DeviceIdentity(String storageId, String device, String media, long createdAtMs, int crcBlockSize) {
  static final String FILE_NAME = ChunkFileFormat.IDENTITY_FILE;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Writes the identity if the directory has none, else checks that it matches. */
  static DeviceIdentity claim(String storageId, DeviceSpec spec) throws IOException {
    Path file = spec.path().resolve(FILE_NAME);
    if (Files.exists(file)) {
      DeviceIdentity found;
      try {
        found = JSON.readValue(file.toFile(), DeviceIdentity.class);
      } catch (IOException e) {
        throw StrataException.of(
            StatusCode.CORRUPT,
            "device identity %s is unreadable (%s): repair or remove it if the directory is unused",
            file, e.getMessage());
      }
      if (!storageId.equals(found.storageId())) {
        throw StrataException.of(
            StatusCode.INVALID_ARGUMENT,
            "device %s at %s belongs to storage '%s' (per %s), not '%s': start storage '%s' on it"
                + " or use another directory",
            spec.name(), spec.path(), found.storageId(), file, storageId, found.storageId());
      }
      if (!spec.media().equals(found.media())) {
        throw StrataException.of(
            StatusCode.INVALID_ARGUMENT,
            "device %s at %s was created as media '%s' (per %s), not '%s': pass %s:%s",
            spec.name(), spec.path(), found.media(), file, spec.media(), found.media(), spec.path());
      }
      try {
        ChunkFileFormat.blockSize(found.crcBlockSize());
      } catch (IllegalArgumentException e) {
        throw StrataException.of(
            StatusCode.CORRUPT, "device identity %s is invalid: %s; restore it from a backup", file, e.getMessage());
      }
      return found;
    }
    DeviceIdentity created =
        new DeviceIdentity(
            storageId, spec.name(), spec.media(), System.currentTimeMillis(), ChunkFileFormat.DEFAULT_BLOCK_SIZE);
    Path tmp = spec.path().resolve(FILE_NAME + ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), created);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    return created;
  }
}
