package dev.mediasync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class OrSetProperties {

  private static OrSet<String> copyOf(OrSet<String> s) {
    return OrSet.restore(s.liveTags(), s.tombstones(), s.watermark());
  }

  @Property(tries = 1000)
  void merge_anyTwoReachableStates_isCommutative(
      @ForAll Random random,
      @ForAll @IntRange(max = 60) int steps,
      @ForAll boolean causal,
      @ForAll boolean compaction) {
    OrSetHistory h = new OrSetHistory(random, 3).run(steps, causal, compaction);
    OrSet<String> a = h.randomSnapshot();
    OrSet<String> b = h.randomSnapshot();

    assertThat(a.merge(b)).isEqualTo(b.merge(a));
  }

  @Property(tries = 1000)
  void merge_anyThreeReachableStates_isAssociative(
      @ForAll Random random,
      @ForAll @IntRange(max = 60) int steps,
      @ForAll boolean causal,
      @ForAll boolean compaction) {
    OrSetHistory h = new OrSetHistory(random, 3).run(steps, causal, compaction);
    OrSet<String> a = h.randomSnapshot();
    OrSet<String> b = h.randomSnapshot();
    OrSet<String> c = h.randomSnapshot();

    assertThat(a.merge(b).merge(c)).isEqualTo(a.merge(b.merge(c)));
  }

  @Property(tries = 1000)
  void merge_reachableStateWithCopyOfItself_isIdempotent(
      @ForAll Random random,
      @ForAll @IntRange(max = 60) int steps,
      @ForAll boolean causal,
      @ForAll boolean compaction) {
    OrSetHistory h = new OrSetHistory(random, 3).run(steps, causal, compaction);
    OrSet<String> a = h.randomSnapshot();
    OrSet<String> b = h.randomSnapshot();

    assertThat(a.merge(a)).isEqualTo(a);
    assertThat(a.merge(copyOf(a))).isEqualTo(a);
    assertThat(a.merge(b).merge(b)).isEqualTo(a.merge(b));
    assertThat(a.merge(OrSet.empty())).isEqualTo(a);
  }

  @Property(tries = 1000)
  void opsInCausalOrder_anyInterleaving_membershipEqualsSequentialSpec(
      @ForAll Random random, @ForAll @IntRange(max = 80) int steps, @ForAll boolean compaction) {
    OrSetHistory h = new OrSetHistory(random, 3);
    for (int i = 0; i < steps; i++) {
      h.run(1, true, compaction);
      for (OrSetHistory.Replica r : h.replicas) {
        assertThat(r.set.liveTags())
            .as("replica %s after %d steps", r.id, i + 1)
            .isEqualTo(h.specLiveTags(r.delivered));
      }
    }
  }

  @Property(tries = 1000)
  void opsInAnyOrder_allDelivered_replicasConvergeToSpecAndToStateMerge(
      @ForAll Random random, @ForAll @IntRange(max = 60) int steps, @ForAll boolean compaction) {
    OrSetHistory h = new OrSetHistory(random, 3).run(steps, false, compaction);
    OrSet<String> merged = OrSet.empty();
    for (OrSetHistory.Replica r : h.replicas) {
      merged = merged.merge(r.set);
    }

    h.deliverAll(false);
    // Replicas compact independently; once every replica has caught up on compaction at the
    // latest stable point, their states must be equal, not just their membership.
    if (!h.stablePoints.isEmpty()) {
      HybridTimestamp latest = h.stablePoints.get(h.stablePoints.size() - 1);
      for (OrSetHistory.Replica r : h.replicas) {
        r.set = r.set.compact(latest);
      }
    }

    OrSet<String> first = h.replicas.get(0).set;
    assertThat(first.liveTags()).isEqualTo(h.specLiveTags(h.replicas.get(0).delivered));
    assertThat(merged.liveTags()).isEqualTo(first.liveTags());
    for (OrSetHistory.Replica r : h.replicas) {
      assertThat(r.set).as("replica %s", r.id).isEqualTo(first);
    }
  }
}
