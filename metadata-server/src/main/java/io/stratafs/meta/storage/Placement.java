package io.stratafs.meta.storage;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.meta.ExternalCopy;
import io.stratafs.protocol.meta.Replica;
import io.stratafs.protocol.storage.DeviceStat;
import io.stratafs.protocol.storage.ExternalTargetStat;
import io.stratafs.protocol.storage.StorageRegistration;
import io.stratafs.tiering.Media;
import io.stratafs.tiering.ReplicaRule;
import io.stratafs.tiering.StoragePolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Chooses where chunk replicas go, per storage policy rule (docs/adr/017). Local rules take
 * devices of an allowed media with free space, one replica per daemon: the chain's first replica
 * prefers a daemon on the writer's host, later ones a {@code node} label not used yet (then
 * {@code rack}, then {@code zone}); within the best group the most free space wins, and the chunks
 * of one request rotate over that group so a large write spreads out. External rules take
 * registered targets of an allowed media. What cannot be placed is left out (under-replicated;
 * the healer adds it later). A policy without local rules ({@code cold}) still gets one local
 * <em>staging</em> replica so writes have somewhere to land. Stateless over the view.
 */
public final class Placement {
  /** Every local media: for staging replicas. */
  public static final Set<Media> ANY_LOCAL = EnumSet.of(Media.NVME, Media.SSD, Media.HDD);

  /** Where one chunk's copies go. */
  public record Placed(List<Replica> replicas, List<ExternalCopy> externals) {}

  private record Candidate(StorageRegistration reg, DeviceStat dev, String host, String node, String rack, String zone) {
    Replica replica() {
      return Replica.newBuilder()
          .setStorageId(reg.getStorageId())
          .setAddress(reg.getAddress())
          .setDevice(dev.getName())
          .setMedia(dev.getMedia())
          .setIncarnation(dev.getIncarnation())
          .setNode(node)
          .build();
    }
  }

  private final List<StorageRegistration> storages;

  public Placement(StorageView view) {
    this.storages = List.copyOf(view.storages());
  }

  /** Placement for {@code count} consecutive new chunks of a file with {@code policy}. */
  public List<Placed> place(StoragePolicy policy, String clientHost, int count) {
    List<Placed> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      List<Replica> local = new ArrayList<>();
      for (ReplicaRule rule : policy.rules()) {
        if (!rule.isExternal()) {
          local.addAll(pick(rule.media(), clientHost, local, rule.count(), null, i));
        }
      }
      if (local.isEmpty()) {
        // cold (no local rule), or no device of the policy's media: one staging replica anywhere.
        local.addAll(pick(ANY_LOCAL, clientHost, local, 1, null, i));
      }
      if (local.isEmpty()) {
        throw noSpace();
      }
      out.add(new Placed(local, externals(policy)));
    }
    return out;
  }

  /**
   * Up to {@code n} more local replicas of {@code media} for a chunk that already has
   * {@code existing} (healing, restoring), on daemons not used yet; when {@code requiredTarget}
   * is set only daemons that reach that external target qualify (they restore from it).
   */
  public List<Replica> placeMore(
      Set<Media> media, String clientHost, List<Replica> existing, int n, String requiredTarget) {
    return pick(media, clientHost, existing, n, requiredTarget, 0);
  }

  /**
   * The media of each local replica {@code policy} wants beyond {@code existing}: existing replicas
   * are matched to rules by media, one per rule slot.
   */
  public static List<Set<Media>> missingLocal(StoragePolicy policy, List<Replica> existing) {
    List<Replica> unmatched = new ArrayList<>(existing);
    List<Set<Media>> missing = new ArrayList<>();
    for (ReplicaRule rule : policy.rules()) {
      if (rule.isExternal()) {
        continue;
      }
      for (int k = 0; k < rule.count(); k++) {
        Replica match = unmatched.stream().filter(r -> rule.media().contains(media(r.getMedia()))).findFirst().orElse(null);
        if (match != null) {
          unmatched.remove(match);
        } else {
          missing.add(rule.media());
        }
      }
    }
    return missing;
  }

  /** The external copies a new chunk of {@code policy} gets: one per rule slot with a target. */
  public List<ExternalCopy> externals(StoragePolicy policy) {
    Map<String, String> targets = new TreeMap<>(); // name -> media, sorted for a stable choice
    for (StorageRegistration s : storages) {
      for (ExternalTargetStat t : s.getExternalsList()) {
        targets.putIfAbsent(t.getName(), t.getMedia());
      }
    }
    List<ExternalCopy> out = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (ReplicaRule rule : policy.rules()) {
      if (!rule.isExternal()) {
        continue;
      }
      int placed = 0;
      for (Map.Entry<String, String> t : targets.entrySet()) {
        if (placed == rule.count()) {
          break;
        }
        if (!used.contains(t.getKey()) && rule.media().contains(media(t.getValue()))) {
          used.add(t.getKey());
          out.add(ExternalCopy.newBuilder().setTarget(t.getKey()).setMedia(t.getValue()).setSync(rule.sync()).build());
          placed++;
        }
      }
    }
    return out;
  }

  private List<Replica> pick(
      Set<Media> media, String clientHost, List<Replica> existing, int n, String requiredTarget, int rotation) {
    List<Replica> chain = new ArrayList<>(existing);
    List<Replica> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      Set<String> usedDaemons = new HashSet<>();
      Set<String> usedNodes = new HashSet<>();
      Set<String> usedRacks = new HashSet<>();
      Set<String> usedZones = new HashSet<>();
      for (Replica r : chain) {
        usedDaemons.add(r.getStorageId());
        usedNodes.add(r.getNode().isEmpty() ? r.getStorageId() : r.getNode());
        StorageRegistration reg = registration(r.getStorageId());
        if (reg != null) {
          usedRacks.add(reg.getLabelsOrDefault("rack", ""));
          usedZones.add(reg.getLabelsOrDefault("zone", ""));
        }
      }
      boolean first = chain.isEmpty();
      List<Candidate> cands = new ArrayList<>();
      for (Candidate c : candidates(media, requiredTarget)) {
        if (!usedDaemons.contains(c.reg().getStorageId())) {
          cands.add(c);
        }
      }
      if (cands.isEmpty()) {
        break;
      }
      Comparator<Candidate> preference =
          Comparator.comparingInt(
                  (Candidate c) -> first && clientHost != null && !clientHost.isEmpty() && c.host().equals(clientHost) ? 0 : 1)
              .thenComparingInt(c -> usedNodes.contains(c.node()) ? 1 : 0)
              .thenComparingInt(c -> !c.rack().isEmpty() && usedRacks.contains(c.rack()) ? 1 : 0)
              .thenComparingInt(c -> !c.zone().isEmpty() && usedZones.contains(c.zone()) ? 1 : 0);
      cands.sort(preference.thenComparing(Comparator.comparingLong((Candidate c) -> c.dev().getFreeBytes()).reversed()));
      Candidate best = cands.get(0);
      List<Candidate> group = cands.stream().filter(c -> preference.compare(c, best) == 0).toList();
      Replica chosen = group.get(Math.floorMod(rotation, group.size())).replica();
      chain.add(chosen);
      out.add(chosen);
    }
    return out;
  }

  private List<Candidate> candidates(Set<Media> media, String requiredTarget) {
    List<Candidate> out = new ArrayList<>();
    for (StorageRegistration s : storages) {
      if (requiredTarget != null && s.getExternalsList().stream().noneMatch(t -> t.getName().equals(requiredTarget))) {
        continue;
      }
      String node = s.getLabelsOrDefault("node", s.getStorageId());
      for (DeviceStat d : s.getDevicesList()) {
        Media m = media(d.getMedia());
        if (m != null && media.contains(m) && d.getFreeBytes() > 0) {
          out.add(new Candidate(s, d, host(s.getAddress()), node, s.getLabelsOrDefault("rack", ""),
              s.getLabelsOrDefault("zone", "")));
        }
      }
    }
    return out;
  }

  private StorageRegistration registration(String storageId) {
    for (StorageRegistration s : storages) {
      if (s.getStorageId().equals(storageId)) {
        return s;
      }
    }
    return null;
  }

  private StrataException noSpace() {
    if (storages.isEmpty()) {
      return StrataException.of(
          StatusCode.NO_SPACE,
          "no storage daemon is registered for this filesystem: start one (strata storage --zk ...)");
    }
    return StrataException.of(
        StatusCode.NO_SPACE, "no device of any registered storage daemon has free space (%d daemons registered)",
        storages.size());
  }

  /** The media of a label, or null for one this server does not know. */
  static Media media(String label) {
    try {
      return Media.parse(label);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static String host(String hostPort) {
    int i = hostPort.lastIndexOf(':');
    return i < 0 ? hostPort : hostPort.substring(0, i);
  }
}
