package io.stratafs.meta.kv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** An ordered list of puts and deletes applied atomically by {@link KvStore#write}. Not thread-safe. */
public final class KvBatch {
  /** One write; {@code value == null} is a delete. */
  public record Op(Cf cf, byte[] key, byte[] value) {}

  private final List<Op> ops = new ArrayList<>();

  public KvBatch put(Cf cf, byte[] key, byte[] value) {
    ops.add(new Op(cf, key.clone(), value.clone()));
    return this;
  }

  public KvBatch delete(Cf cf, byte[] key) {
    ops.add(new Op(cf, key.clone(), null));
    return this;
  }

  public List<Op> ops() {
    return Collections.unmodifiableList(ops);
  }

  public boolean isEmpty() {
    return ops.isEmpty();
  }

  public int size() {
    return ops.size();
  }
}
