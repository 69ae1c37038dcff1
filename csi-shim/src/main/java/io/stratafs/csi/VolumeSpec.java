package io.stratafs.csi;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.tiering.BuiltinPolicies;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A CSI volume as StrataFS sees it: a quota'd subtree {@code /volumes/<name>} with a storage
 * policy. Built from a CreateVolume request's name, capacity and StorageClass parameters, with every
 * parameter validated so a bad StorageClass fails at provisioning with a message naming the key.
 */
public record VolumeSpec(String name, long capacityBytes, String policy) {
  /** Kubernetes PV names are DNS-1123 subdomains; we accept that alphabet, bounded to a FUSE name. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");

  public static final String PARAM_POLICY = "policy";
  private static final Set<String> KNOWN_PARAMS = Set.of(PARAM_POLICY);
  /** Parameters Kubernetes' external-provisioner adds on its own; never ours to reject. */
  private static final String PROVISIONER_PREFIX = "csi.storage.k8s.io/";

  public VolumeSpec {
    if (name == null || !NAME.matcher(name).matches()) {
      throw StrataException.of(
          StatusCode.INVALID_ARGUMENT,
          "volume name '%s' must be lower-case letters, digits, '.' or '-', 1-253 characters",
          name);
    }
    if (capacityBytes < 0) {
      throw StrataException.of(StatusCode.INVALID_ARGUMENT, "capacity must be >= 0, got %d", capacityBytes);
    }
    if (BuiltinPolicies.find(policy).isEmpty()) {
      throw StrataException.of(
          StatusCode.INVALID_ARGUMENT,
          "unknown storage policy '%s' (built-in: %s)",
          policy,
          String.join(", ", BuiltinPolicies.all().keySet().stream().sorted().toList()));
    }
  }

  /** From a CreateVolume request: unknown parameters are refused rather than silently ignored. */
  public static VolumeSpec fromRequest(String name, long requiredBytes, Map<String, String> params) {
    for (String key : params.keySet()) {
      if (!KNOWN_PARAMS.contains(key) && !key.startsWith(PROVISIONER_PREFIX)) {
        throw StrataException.of(
            StatusCode.INVALID_ARGUMENT,
            "unknown StorageClass parameter '%s' (supported: %s)",
            key,
            String.join(", ", KNOWN_PARAMS));
      }
    }
    String policy = params.getOrDefault(PARAM_POLICY, BuiltinPolicies.DEFAULT).toLowerCase(Locale.ROOT);
    return new VolumeSpec(name, requiredBytes, policy);
  }

  /** The subtree holding the volume, relative to the filesystem root. */
  public String path() {
    return "/volumes/" + name;
  }

  /** The CSI volume id: stable, and enough to find the subtree again after a controller restart. */
  public String volumeId() {
    return "strata:" + name;
  }

  /** Inverse of {@link #volumeId()}: the volume name, or INVALID_ARGUMENT for a foreign id. */
  public static String nameFromVolumeId(String volumeId) {
    if (volumeId == null || !volumeId.startsWith("strata:")) {
      throw StrataException.of(StatusCode.INVALID_ARGUMENT, "not a StrataFS volume id: '%s'", volumeId);
    }
    String name = volumeId.substring("strata:".length());
    if (!NAME.matcher(name).matches()) {
      throw StrataException.of(StatusCode.INVALID_ARGUMENT, "malformed StrataFS volume id: '%s'", volumeId);
    }
    return name;
  }
}
