package dev.mediasync.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SimulatedNetworkTest {

  private static final int SEEDS = 600;
  private static final int STEPS = 300;

  @Test
  void heal_afterLossyDuplicatingReorderingPartitionedRun_allReplicasConverge() {
    int totalOps = 0;
    int totalDropped = 0;
    int totalCompactions = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      int replicaCount = 3 + (int) (seed % 3); // 3 to 5 replicas
      boolean compaction = seed % 2 == 0;
      SimulatedNetwork net = new SimulatedNetwork(seed, replicaCount, compaction);

      net.run(STEPS);
      // State-based anti-entropy over the pre-heal states must reach the same result as the
      // op-based full exchange.
      OrSet<String> mergedSet = OrSet.empty();
      LwwMap<String, Integer> mergedMap = LwwMap.empty();
      for (SimulatedNetwork.Replica r : net.replicas) {
        mergedSet = mergedSet.merge(r.set);
        mergedMap = mergedMap.merge(r.map);
      }
      net.heal();

      String ctx =
          "seed " + seed + " (" + replicaCount + " replicas, compaction=" + compaction + ")";
      SimulatedNetwork.Replica first = net.replicas.get(0);
      for (SimulatedNetwork.Replica r : net.replicas) {
        assertThat(r.applied)
            .as("%s: ops applied at %s", ctx, r.deviceId)
            .hasSize(net.allOps.size());
        assertThat(r.set).as("%s: OR-Set of %s", ctx, r.deviceId).isEqualTo(first.set);
        assertThat(r.map).as("%s: LWW map of %s", ctx, r.deviceId).isEqualTo(first.map);
      }
      if (net.latestCompaction() != null) {
        mergedSet = mergedSet.compact(net.latestCompaction());
      }
      assertThat(mergedSet).as("%s: state merge vs op exchange (OR-Set)", ctx).isEqualTo(first.set);
      assertThat(mergedMap)
          .as("%s: state merge vs op exchange (LWW map)", ctx)
          .isEqualTo(first.map);
      assertThat(first.set.liveTags())
          .as("%s: OR-Set vs sequential spec", ctx)
          .isEqualTo(specLiveTags(net));

      totalOps += net.allOps.size();
      totalDropped += net.dropped;
      totalCompactions += net.compactions;
    }
    // The run must actually exercise the network faults and compaction.
    assertThat(totalOps).isGreaterThan(SEEDS * 50);
    assertThat(totalDropped).isGreaterThan(SEEDS * 10);
    assertThat(totalCompactions).isGreaterThan(SEEDS / 10);
  }

  /** Live tags per element: every add's tag that no remove named. */
  private static java.util.Map<String, java.util.NavigableSet<Tag>> specLiveTags(
      SimulatedNetwork net) {
    java.util.Set<Tag> removed = new java.util.HashSet<>();
    for (SimulatedNetwork.Op op : net.allOps) {
      if (op instanceof SimulatedNetwork.RemoveOp rm) {
        removed.addAll(rm.tags());
      }
    }
    java.util.Map<String, java.util.NavigableSet<Tag>> live = new java.util.TreeMap<>();
    for (SimulatedNetwork.Op op : net.allOps) {
      if (op instanceof SimulatedNetwork.AddOp add && !removed.contains(add.tag())) {
        live.computeIfAbsent(add.element(), e -> new java.util.TreeSet<>()).add(add.tag());
      }
    }
    return live;
  }
}
