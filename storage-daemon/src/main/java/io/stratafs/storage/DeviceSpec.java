package io.stratafs.storage;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One device of a storage daemon: a directory on local storage with a media label.
 *
 * @param name the device's name within its daemon (e.g. {@code d0}); requests address it by name
 * @param media one of {@code nvme}, {@code ssd}, {@code hdd}
 * @param path the directory holding the device's chunks
 */
public record DeviceSpec(String name, String media, Path path) {
  /** Media labels placement understands. */
  public static final Set<String> MEDIA = Set.of("nvme", "ssd", "hdd");

  public DeviceSpec {
    Objects.requireNonNull(path, "path");
    if (name == null || name.isEmpty() || !name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "device name must be non-empty and use only letters, digits, '.', '_' or '-': '" + name + "'");
    }
    if (media == null || !MEDIA.contains(media)) {
      throw new IllegalArgumentException(
          "unknown media '" + media + "' for device " + name + ": expected one of nvme, ssd, hdd");
    }
  }

  /**
   * Parses {@code [name=]media:/path}, e.g. {@code nvme:/data/d0} or {@code fast=nvme:/data/d0}.
   *
   * @param defaultName the name used when the spec does not give one
   * @throws IllegalArgumentException with a message saying what a valid spec looks like
   */
  public static DeviceSpec parse(String spec, String defaultName) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("empty device spec: expected media:/path, e.g. nvme:/data/d0");
    }
    String rest = spec.trim();
    String name = defaultName;
    int eq = rest.indexOf('=');
    int colon = rest.indexOf(':');
    if (eq > 0 && (colon < 0 || eq < colon)) {
      name = rest.substring(0, eq);
      rest = rest.substring(eq + 1);
      colon = rest.indexOf(':');
    }
    if (colon <= 0 || colon == rest.length() - 1) {
      throw new IllegalArgumentException(
          "bad device spec '" + spec + "': expected [name=]media:/path with media nvme, ssd or hdd,"
              + " e.g. nvme:/data/d0");
    }
    String media = rest.substring(0, colon).toLowerCase(Locale.ROOT);
    if (!MEDIA.contains(media)) {
      throw new IllegalArgumentException(
          "bad device spec '" + spec + "': unknown media '" + rest.substring(0, colon)
              + "', expected one of nvme, ssd, hdd");
    }
    Path path;
    try {
      path = Path.of(rest.substring(colon + 1));
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("bad device spec '" + spec + "': invalid path: " + e.getMessage(), e);
    }
    return new DeviceSpec(name, media, path);
  }
}
