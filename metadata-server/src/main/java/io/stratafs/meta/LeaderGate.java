package io.stratafs.meta;

/** Whether this server may answer meta calls; throws NOT_LEADER (naming the leader) if not. */
@FunctionalInterface
public interface LeaderGate {
  LeaderGate ALWAYS = () -> {};

  void checkLeader();
}
