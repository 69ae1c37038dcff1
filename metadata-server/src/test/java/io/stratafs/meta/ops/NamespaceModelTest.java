package io.stratafs.meta.ops;

import static io.stratafs.meta.MetaFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.meta.MetaFixture;
import io.stratafs.protocol.meta.Attr;
import io.stratafs.protocol.meta.DirEntry;
import io.stratafs.protocol.meta.ReadDirRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.*;

/**
 * Model-based test: random mkdir/create/unlink/rmdir/rename/link on the real service (memory
 * store) and on a tiny path model; status codes and the resulting trees must match.
 */
class NamespaceModelTest {
  /** The model: path → "d" or "f:<id>" (hard links share an id). */
  static final class Model {
    final TreeMap<String, String> nodes = new TreeMap<>(Map.of("", "d"));
    int nextId;

    static String parent(String p) {
      int i = p.lastIndexOf('/');
      return i < 0 ? "" : p.substring(0, i);
    }

    boolean isDir(String p) {
      return "d".equals(nodes.get(p));
    }

    boolean hasChildren(String p) {
      String k = nodes.higherKey(p + "/");
      return k != null && k.startsWith(p + "/") || nodes.containsKey(p + "/");
    }

    /** What walking to directory {@code p} answers, as the kernel's path walk would. */
    StatusCode walk(String p) {
      if (p.isEmpty()) {
        return StatusCode.OK;
      }
      String at = "";
      for (String step : p.split("/")) {
        at = at.isEmpty() ? step : at + "/" + step;
        if (!nodes.containsKey(at)) {
          return StatusCode.NOT_FOUND;
        }
        if (!isDir(at)) {
          return StatusCode.NOT_DIRECTORY;
        }
      }
      return StatusCode.OK;
    }

    StatusCode create(String p, boolean dir) {
      if (walk(parent(p)) != StatusCode.OK) {
        return walk(parent(p));
      }
      if (nodes.containsKey(p)) {
        return StatusCode.EXISTS;
      }
      nodes.put(p, dir ? "d" : "f:" + nextId++);
      return StatusCode.OK;
    }

    StatusCode remove(String p, boolean dir) {
      if (walk(parent(p)) != StatusCode.OK) {
        return walk(parent(p));
      }
      if (!nodes.containsKey(p)) {
        return StatusCode.NOT_FOUND;
      }
      if (dir && !isDir(p)) {
        return StatusCode.NOT_DIRECTORY;
      }
      if (!dir && isDir(p)) {
        return StatusCode.IS_DIRECTORY;
      }
      if (dir && hasChildren(p)) {
        return StatusCode.NOT_EMPTY;
      }
      nodes.remove(p);
      return StatusCode.OK;
    }

    StatusCode link(String src, String dst) {
      if (walk(parent(src)) != StatusCode.OK) {
        return walk(parent(src));
      }
      if (!nodes.containsKey(src)) {
        return StatusCode.NOT_FOUND;
      }
      if (walk(parent(dst)) != StatusCode.OK) {
        return walk(parent(dst));
      }
      if (isDir(src)) {
        return StatusCode.PERMISSION_DENIED;
      }
      if (nodes.containsKey(dst)) {
        return StatusCode.EXISTS;
      }
      nodes.put(dst, nodes.get(src));
      return StatusCode.OK;
    }

    StatusCode rename(String src, String dst) {
      if (walk(parent(src)) != StatusCode.OK) {
        return walk(parent(src));
      }
      if (walk(parent(dst)) != StatusCode.OK) {
        return walk(parent(dst));
      }
      if (!nodes.containsKey(src)) {
        return StatusCode.NOT_FOUND;
      }
      if (nodes.containsKey(dst) && nodes.get(dst).equals(nodes.get(src)) && !isDir(src)) {
        return StatusCode.OK;
      }
      if (isDir(src) && (dst.equals(src) || dst.startsWith(src + "/"))) {
        return dst.equals(src) ? StatusCode.OK : StatusCode.INVALID_ARGUMENT;
      }
      if (nodes.containsKey(dst)) {
        if (isDir(src) && !isDir(dst)) {
          return StatusCode.NOT_DIRECTORY;
        }
        if (!isDir(src) && isDir(dst)) {
          return StatusCode.IS_DIRECTORY;
        }
        if (isDir(dst) && hasChildren(dst)) {
          return StatusCode.NOT_EMPTY;
        }
      }
      TreeMap<String, String> moved = new TreeMap<>();
      for (var e : new ArrayList<>(nodes.entrySet())) {
        String k = e.getKey();
        if (k.equals(src) || k.startsWith(src + "/")) {
          moved.put(dst + k.substring(src.length()), e.getValue());
          nodes.remove(k);
        }
      }
      nodes.remove(dst);
      nodes.putAll(moved);
      return StatusCode.OK;
    }
  }

  record Op(String kind, String a, String b) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<String> path = Arbitraries.of("a", "b", "a/x", "a/y", "b/x", "a/x/z", "b/x/z");
    Arbitrary<String> kind = Arbitraries.of("mkdir", "create", "unlink", "rmdir", "rename", "link");
    return Combinators.combine(kind, path, path).as(Op::new).list().ofMinSize(5).ofMaxSize(40);
  }

  @Property(tries = 100)
  void serviceMatchesModel(@ForAll("ops") List<Op> ops) {
    try (MetaFixture f = MetaFixture.memory()) {
      Model m = new Model();
      for (Op op : ops) {
        StatusCode expected = switch (op.kind()) {
          case "mkdir" -> m.create(op.a(), true);
          case "create" -> m.create(op.a(), false);
          case "unlink" -> m.remove(op.a(), false);
          case "rmdir" -> m.remove(op.a(), true);
          case "rename" -> m.rename(op.a(), op.b());
          default -> m.link(op.a(), op.b());
        };
        StatusCode actual = apply(f, op);
        assertThat(actual).as("%s", op).isEqualTo(expected);
      }
      assertThat(tree(f, 1, "")).isEqualTo(modelTree(m));
    }
  }

  private static StatusCode apply(MetaFixture f, Op op) {
    try {
      String name = leaf(op.a());
      switch (op.kind()) {
        case "mkdir" -> f.mkdir(resolveDir(f, Model.parent(op.a())), name);
        case "create" -> f.create(resolveDir(f, Model.parent(op.a())), name);
        case "unlink" -> f.unlink(ROOT_CALLER, resolveDir(f, Model.parent(op.a())), name);
        case "rmdir" -> f.rmdir(ROOT_CALLER, resolveDir(f, Model.parent(op.a())), name);
        case "rename" ->
            f.rename(resolveDir(f, Model.parent(op.a())), name, resolveDir(f, Model.parent(op.b())), leaf(op.b()));
        default -> f.link(resolve(f, op.a()), resolveDir(f, Model.parent(op.b())), leaf(op.b()));
      }
      return StatusCode.OK;
    } catch (StrataException e) {
      return e.code();
    }
  }

  private static String leaf(String p) {
    return p.substring(p.lastIndexOf('/') + 1);
  }

  /** Walks to a directory: a final non-directory is NOT_DIRECTORY, as the kernel's walk says. */
  private static long resolveDir(MetaFixture f, String path) {
    long ino = resolve(f, path);
    if ((f.getattr(ino).getMode() & 0170000) != 0040000) {
      throw new StrataException(StatusCode.NOT_DIRECTORY, path + " is not a directory");
    }
    return ino;
  }

  /** Walks a path; a missing step is NOT_FOUND, a file step NOT_DIRECTORY (as the kernel would). */
  private static long resolve(MetaFixture f, String path) {
    long ino = 1;
    if (path.isEmpty()) {
      return ino;
    }
    for (String step : path.split("/")) {
      ino = f.lookup(ino, step).getIno();
    }
    return ino;
  }

  private static Map<String, String> tree(MetaFixture f, long dir, String prefix) {
    Map<String, String> out = new TreeMap<>();
    Map<Long, Integer> ids = new HashMap<>();
    walk(f, dir, prefix, out, ids);
    return out;
  }

  private static void walk(MetaFixture f, long dir, String prefix, Map<String, String> out, Map<Long, Integer> ids) {
    for (DirEntry e : f.svc.readdir(ReadDirRequest.newBuilder().setCaller(ROOT_CALLER).setIno(dir).build())
        .getEntriesList()) {
      String p = prefix.isEmpty() ? e.getName().toStringUtf8() : prefix + "/" + e.getName().toStringUtf8();
      Attr a = f.getattr(e.getIno());
      if ((a.getMode() & 0170000) == 0040000) {
        out.put(p, "d");
        walk(f, e.getIno(), p, out, ids);
      } else {
        out.put(p, "f" + a.getNlink());
      }
    }
  }

  private static Map<String, String> modelTree(Model m) {
    Map<String, Long> links = new HashMap<>();
    m.nodes.values().forEach(v -> links.merge(v, 1L, Long::sum));
    Map<String, String> out = new TreeMap<>();
    m.nodes.forEach((k, v) -> {
      if (!k.isEmpty()) {
        out.put(k, v.equals("d") ? "d" : "f" + links.get(v));
      }
    });
    return out;
  }
}
