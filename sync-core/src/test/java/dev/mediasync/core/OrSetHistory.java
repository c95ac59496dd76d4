package dev.mediasync.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A random, realistic history of OR-Set ops over a few replicas, driven by one {@link Random}. Each
 * replica has its own {@link HybridClock} on a {@link FakeClock}; removes name only the tags the
 * remover has observed; delivery is op-based and may be causal or in any order. Optionally, at
 * "barriers" every op is delivered everywhere and the maximum timestamp becomes a stable point that
 * replicas may compact at (then or later).
 */
final class OrSetHistory {

  static final long T0 = 1_700_000_000_000L;
  static final List<String> ELEMENTS = List.of("a", "b", "c", "d");

  sealed interface Op permits Add, Remove {
    HybridTimestamp timestamp();

    OrSet<String> applyTo(OrSet<String> set);
  }

  record Add(String element, Tag tag) implements Op {
    @Override
    public HybridTimestamp timestamp() {
      return tag.timestamp();
    }

    @Override
    public OrSet<String> applyTo(OrSet<String> set) {
      return set.add(element, tag);
    }
  }

  record Remove(String element, Set<Tag> tags, HybridTimestamp removedAt) implements Op {
    @Override
    public HybridTimestamp timestamp() {
      return removedAt;
    }

    @Override
    public OrSet<String> applyTo(OrSet<String> set) {
      return set.remove(element, tags, removedAt);
    }
  }

  final class Replica {
    final String id;
    final FakeClock wall = new FakeClock(T0);
    final HybridClock clock = new HybridClock(wall);
    final Set<Integer> delivered = new HashSet<>();
    OrSet<String> set = OrSet.empty();

    Replica(String id) {
      this.id = id;
    }

    void deliver(int index) {
      if (delivered.add(index)) {
        Op op = ops.get(index);
        clock.observe(op.timestamp());
        set = op.applyTo(set);
        snapshots.add(set);
      }
    }

    void local(Op op) {
      ops.add(op);
      deps.add(Set.copyOf(delivered));
      delivered.add(ops.size() - 1);
      set = op.applyTo(set);
      snapshots.add(set);
    }

    boolean canDeliverCausally(int index) {
      return !delivered.contains(index) && delivered.containsAll(deps.get(index));
    }
  }

  final List<Op> ops = new ArrayList<>();

  /** For each op, the ops its origin had applied when it was made (its causal past). */
  final List<Set<Integer>> deps = new ArrayList<>();

  final List<Replica> replicas = new ArrayList<>();

  /** Every state any replica passed through, in order. */
  final List<OrSet<String>> snapshots = new ArrayList<>();

  final List<HybridTimestamp> stablePoints = new ArrayList<>();

  private final Random random;

  OrSetHistory(Random random, int replicaCount) {
    this.random = random;
    for (int i = 0; i < replicaCount; i++) {
      replicas.add(new Replica("dev" + i));
    }
  }

  /**
   * Runs {@code steps} random steps.
   *
   * @param causal deliver only ops whose causal past the receiver already has
   * @param compaction allow barriers and compaction at stable points
   */
  OrSetHistory run(int steps, boolean causal, boolean compaction) {
    for (int s = 0; s < steps; s++) {
      Replica r = replicas.get(random.nextInt(replicas.size()));
      int roll = random.nextInt(100);
      if (roll < 30) {
        String e = ELEMENTS.get(random.nextInt(ELEMENTS.size()));
        r.local(new Add(e, new Tag(r.clock.now(), r.id)));
      } else if (roll < 50) {
        String e = ELEMENTS.get(random.nextInt(ELEMENTS.size()));
        NavigableSet<Tag> observed = r.set.tags(e);
        if (!observed.isEmpty()) {
          r.local(new Remove(e, Set.copyOf(observed), r.clock.now()));
        }
      } else if (roll < 85) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
          if (causal ? r.canDeliverCausally(i) : !r.delivered.contains(i)) {
            candidates.add(i);
          }
        }
        if (!candidates.isEmpty()) {
          r.deliver(candidates.get(random.nextInt(candidates.size())));
        }
      } else if (roll < 95) {
        r.wall.advance(random.nextInt(21) - 10);
      } else if (compaction && roll < 98) {
        barrier(causal);
      } else if (compaction && !stablePoints.isEmpty()) {
        r.set = r.set.compact(stablePoints.get(random.nextInt(stablePoints.size())));
        snapshots.add(r.set);
      }
    }
    return this;
  }

  /** Delivers every op everywhere; the highest op timestamp is then stable. */
  void barrier(boolean causal) {
    deliverAll(causal);
    if (ops.isEmpty()) {
      return;
    }
    HybridTimestamp stable = HybridTimestamp.ZERO;
    for (Op op : ops) {
      stable = HybridTimestamp.max(stable, op.timestamp());
    }
    stablePoints.add(stable);
    for (Replica r : replicas) {
      if (random.nextBoolean()) {
        r.set = r.set.compact(stable);
        snapshots.add(r.set);
      }
    }
  }

  /** Delivers every op to every replica: in op order if causal, else in a random order. */
  void deliverAll(boolean causal) {
    for (Replica r : replicas) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < ops.size(); i++) {
        order.add(i);
      }
      if (!causal) {
        java.util.Collections.shuffle(order, random);
      }
      order.forEach(r::deliver);
    }
  }

  OrSet<String> randomSnapshot() {
    return snapshots.isEmpty() ? OrSet.empty() : snapshots.get(random.nextInt(snapshots.size()));
  }

  /**
   * The sequential specification over a set of delivered ops: the live tags of each element are its
   * adds' tags minus every tag some delivered remove named.
   */
  Map<String, NavigableSet<Tag>> specLiveTags(Set<Integer> delivered) {
    Set<Tag> removed = new HashSet<>();
    for (int i : delivered) {
      if (ops.get(i) instanceof Remove rm) {
        removed.addAll(rm.tags());
      }
    }
    Map<String, NavigableSet<Tag>> live = new TreeMap<>();
    for (int i : delivered) {
      if (ops.get(i) instanceof Add add && !removed.contains(add.tag())) {
        live.computeIfAbsent(add.element(), e -> new TreeSet<>()).add(add.tag());
      }
    }
    return live;
  }
}
