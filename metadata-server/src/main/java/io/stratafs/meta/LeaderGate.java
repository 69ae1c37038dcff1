package io.stratafs.meta;

/** Whether this server may answer meta calls; throws NOT_LEADER (naming the leader) if not. */
@FunctionalInterface
public interface LeaderGate {
  /** A gate that always passes (tests, single in-process servers). */
  LeaderGate ALWAYS =
      new LeaderGate() {
        @Override
        public void checkLeader() {}

        @Override
        public boolean leadingCheaply() {
          return true;
        }
      };

  void checkLeader();

  /**
   * True only when {@link #checkLeader} would pass without blocking. False is always safe: the
   * caller then takes the path that may block.
   */
  default boolean leadingCheaply() {
    return false;
  }
}
