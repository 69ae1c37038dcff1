package io.stratafs.meta.replication;

import java.util.List;

/**
 * Replication settings of a metadata server.
 *
 * @param policyDefinitions operator storage policies besides the built-ins, e.g. {@code "fast3=3xnvme:sync"}
 * @param uploadDelayMs how long a chunk stays dirty before the replicator uploads it (a burst of
 *     writes uploads once); default 2 s
 * @param replicatorPeriodMs how often the replicator looks for due chunks; default 500 ms
 * @param uploadConcurrency uploads in flight at once; default 2
 * @param healerPeriodMs how often the healer scans the chunks; default 2 s
 * @param missingGraceMs how long a daemon may be unregistered before its replicas count as lost; default 30 s
 * @param repairTimeoutMs the bound of Fsck{repair}'s synchronous passes; default 5 min
 */
public record ReplicationConfig(
    List<String> policyDefinitions,
    long uploadDelayMs,
    long replicatorPeriodMs,
    int uploadConcurrency,
    long healerPeriodMs,
    long missingGraceMs,
    long repairTimeoutMs) {
  public static final ReplicationConfig DEFAULTS = new ReplicationConfig(List.of(), 2_000, 500, 2, 2_000, 30_000, 300_000);

  public ReplicationConfig {
    policyDefinitions = List.copyOf(policyDefinitions);
    if (uploadDelayMs < 0 || replicatorPeriodMs <= 0 || uploadConcurrency <= 0 || healerPeriodMs <= 0
        || missingGraceMs < 0 || repairTimeoutMs <= 0) {
      throw new IllegalArgumentException("replication settings out of range: " + this);
    }
  }

  public ReplicationConfig withPolicies(List<String> definitions) {
    return new ReplicationConfig(definitions, uploadDelayMs, replicatorPeriodMs, uploadConcurrency, healerPeriodMs,
        missingGraceMs, repairTimeoutMs);
  }

  public ReplicationConfig withUploadDelayMs(long ms) {
    return new ReplicationConfig(policyDefinitions, ms, replicatorPeriodMs, uploadConcurrency, healerPeriodMs,
        missingGraceMs, repairTimeoutMs);
  }

  public ReplicationConfig withMissingGraceMs(long ms) {
    return new ReplicationConfig(policyDefinitions, uploadDelayMs, replicatorPeriodMs, uploadConcurrency, healerPeriodMs,
        ms, repairTimeoutMs);
  }

  public ReplicationConfig withPeriods(long replicatorMs, long healerMs) {
    return new ReplicationConfig(policyDefinitions, uploadDelayMs, replicatorMs, uploadConcurrency, healerMs,
        missingGraceMs, repairTimeoutMs);
  }
}
