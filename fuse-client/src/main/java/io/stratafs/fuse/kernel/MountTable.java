package io.stratafs.fuse.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads /proc/self/mountinfo: which filesystem is mounted where. Paths there escape space, tab,
 * newline and backslash as octal (\040...). Stateless.
 */
final class MountTable {
  static final Path SELF = Path.of("/proc/self/mountinfo");

  /** One mountinfo line: the device (major:minor), mount point and filesystem type. */
  record Entry(int major, int minor, String mountPoint, String fsType) {
    boolean isFuse() {
      return fsType.equals("fuse") || fsType.startsWith("fuse.");
    }
  }

  private MountTable() {}

  static List<Entry> read(Path mountinfo) {
    try {
      return parse(Files.readAllLines(mountinfo, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + mountinfo, e);
    }
  }

  static List<Entry> parse(List<String> lines) {
    List<Entry> out = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.split(" ");
      int sep = indexOf(f, "-");
      if (f.length < 5 || sep < 0 || sep + 1 >= f.length) {
        continue;
      }
      String[] dev = f[2].split(":");
      out.add(
          new Entry(
              Integer.parseInt(dev[0]), Integer.parseInt(dev[1]), unescape(f[4]), f[sep + 1]));
    }
    return out;
  }

  /** The topmost mount at {@code mountPoint} (the last line wins, as mounts stack). */
  static Optional<Entry> find(List<Entry> entries, Path mountPoint) {
    String want = mountPoint.toAbsolutePath().normalize().toString();
    Entry found = null;
    for (Entry e : entries) {
      if (e.mountPoint().equals(want)) {
        found = e;
      }
    }
    return Optional.ofNullable(found);
  }

  private static int indexOf(String[] fields, String s) {
    for (int i = 6; i < fields.length; i++) {
      if (fields[i].equals(s)) {
        return i;
      }
    }
    return -1;
  }

  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1)) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '7') {
        return false;
      }
    }
    return true;
  }
}
