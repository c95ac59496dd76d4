package dev.mediasync.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A deterministic, seeded simulation of replicas exchanging CRDT ops over a bad network.
 *
 * <p>Each replica holds an {@code OrSet<String>} (say, a watch list) and an {@code LwwMap<String,
 * Integer>} (say, watch progress) and has its own {@link HybridClock} on a {@link FakeClock}. Local
 * ops are applied locally, then broadcast as op messages. The network drops, duplicates and
 * reorders messages, and partitions replicas into two groups that cannot talk. Replicas apply ops
 * (op-based), observing each op's timestamp with their clock as the service does.
 *
 * <p>Optionally replicas compact their OR-Set at a stable point: a timestamp at or before which
 * every op has been applied everywhere and after which every replica's clock already is, as the
 * service would learn from acknowledgements.
 */
final class SimulatedNetwork {

  static final long T0 = 1_700_000_000_000L;
  static final List<String> ELEMENTS = List.of("m1", "m2", "m3", "m4", "m5");
  static final List<String> KEYS = List.of("progress:m1", "progress:m2", "volume");

  sealed interface Op permits AddOp, RemoveOp, PutOp {
    HybridTimestamp timestamp();
  }

  record AddOp(String element, Tag tag) implements Op {
    @Override
    public HybridTimestamp timestamp() {
      return tag.timestamp();
    }
  }

  // The device is part of the op's identity: two devices may remove with equal HLC readings.
  record RemoveOp(String element, Set<Tag> tags, HybridTimestamp removedAt, String device)
      implements Op {
    @Override
    public HybridTimestamp timestamp() {
      return removedAt;
    }
  }

  record PutOp(String key, int value, HybridTimestamp ts, String device) implements Op {
    @Override
    public HybridTimestamp timestamp() {
      return ts;
    }
  }

  record Message(int from, int to, Op op) {}

  static final class Replica {
    final int index;
    final String deviceId;
    final FakeClock wall;
    final HybridClock clock;
    final List<Op> ownOps = new ArrayList<>();
    final Set<Op> applied = new HashSet<>();
    OrSet<String> set = OrSet.empty();
    LwwMap<String, Integer> map = LwwMap.empty();

    Replica(int index, long startMillis) {
      this.index = index;
      this.deviceId = "device-" + index;
      this.wall = new FakeClock(startMillis);
      this.clock = new HybridClock(wall);
    }

    /** Applies an op, local or remote; re-applying is harmless (the CRDTs are idempotent). */
    void apply(Op op) {
      if (op instanceof AddOp add) {
        set = set.add(add.element(), add.tag());
      } else if (op instanceof RemoveOp rm) {
        set = set.remove(rm.element(), rm.tags(), rm.removedAt());
      } else if (op instanceof PutOp put) {
        map = map.put(put.key(), put.value(), put.ts(), put.device());
      }
      applied.add(op);
    }

    void receive(Op op) {
      clock.observe(op.timestamp());
      apply(op);
    }
  }

  final Random random;
  final List<Replica> replicas = new ArrayList<>();
  final List<Op> allOps = new ArrayList<>();
  final List<Message> inFlight = new ArrayList<>();
  final boolean compaction;
  private final int[] group;
  private HybridTimestamp latestCompaction;

  int dropped;
  int duplicated;
  int compactions;

  SimulatedNetwork(long seed, int replicaCount, boolean compaction) {
    this.random = new Random(seed);
    this.compaction = compaction;
    this.group = new int[replicaCount];
    for (int i = 0; i < replicaCount; i++) {
      // Wall clocks start up to 2 s apart.
      replicas.add(new Replica(i, T0 + random.nextInt(2_000)));
    }
  }

  void run(int steps) {
    for (int s = 0; s < steps; s++) {
      step();
    }
  }

  void step() {
    int roll = random.nextInt(100);
    Replica r = replicas.get(random.nextInt(replicas.size()));
    if (roll < 35) {
      localOp(r);
    } else if (roll < 80) {
      deliverOne(true);
    } else if (roll < 90) {
      // Wall clock moves: forward, back or stall.
      r.wall.advance(random.nextInt(201) - 100);
    } else if (roll < 93) {
      for (Replica each : replicas) {
        each.wall.advance(random.nextInt(50));
      }
    } else if (roll < 97) {
      repartition();
    } else if (compaction) {
      HybridTimestamp stable = stablePoint();
      if (stable != null) {
        r.set = r.set.compact(stable);
        latestCompaction =
            latestCompaction == null ? stable : HybridTimestamp.max(latestCompaction, stable);
        compactions++;
      }
    }
  }

  private void localOp(Replica r) {
    int kind = random.nextInt(3);
    Op op;
    if (kind == 0) {
      String e = ELEMENTS.get(random.nextInt(ELEMENTS.size()));
      op = new AddOp(e, new Tag(r.clock.now(), r.deviceId));
    } else if (kind == 1) {
      List<String> present = new ArrayList<>(r.set.elements());
      if (present.isEmpty()) {
        return;
      }
      String e = present.get(random.nextInt(present.size()));
      op = new RemoveOp(e, Set.copyOf(r.set.tags(e)), r.clock.now(), r.deviceId);
    } else {
      String key = KEYS.get(random.nextInt(KEYS.size()));
      op = new PutOp(key, random.nextInt(10_000), r.clock.now(), r.deviceId);
    }
    r.apply(op);
    r.ownOps.add(op);
    allOps.add(op);
    broadcast(r, op, true);
  }

  private void broadcast(Replica from, Op op, boolean lossy) {
    for (Replica to : replicas) {
      if (to == from) {
        continue;
      }
      if (lossy && random.nextInt(100) < 15) {
        dropped++;
        continue;
      }
      int copies = lossy && random.nextInt(100) < 10 ? 2 : 1;
      duplicated += copies - 1;
      for (int c = 0; c < copies; c++) {
        // Inserting at a random position makes delivery order arbitrary.
        inFlight.add(random.nextInt(inFlight.size() + 1), new Message(from.index, to.index, op));
      }
    }
  }

  /** Delivers one in-flight message; across a partition it is lost. */
  private void deliverOne(boolean partitionsApply) {
    if (inFlight.isEmpty()) {
      return;
    }
    Message m = inFlight.remove(random.nextInt(inFlight.size()));
    if (partitionsApply && group[m.from()] != group[m.to()]) {
      dropped++;
      return;
    }
    replicas.get(m.to()).receive(m.op());
  }

  private void repartition() {
    boolean heal = random.nextBoolean();
    for (int i = 0; i < group.length; i++) {
      group[i] = heal ? 0 : random.nextInt(2);
    }
  }

  /**
   * The highest timestamp that is stable: every op at or before it is applied at every replica, and
   * every replica's clock is already past it (so no new op can be at or before it). Null if there
   * is none yet.
   */
  HybridTimestamp stablePoint() {
    HybridTimestamp bound = null;
    for (Replica r : replicas) {
      HybridTimestamp peek = r.clock.peek();
      bound = bound == null || peek.isBefore(bound) ? peek : bound;
    }
    for (Op op : allOps) {
      boolean everywhere = true;
      for (Replica r : replicas) {
        everywhere &= r.applied.contains(op);
      }
      if (!everywhere && !op.timestamp().isAfter(bound)) {
        bound = HybridTimestamp.fromPacked(op.timestamp().packed() - 1);
      }
    }
    return bound.equals(HybridTimestamp.ZERO) ? null : bound;
  }

  /**
   * Heals the network: partitions end, in-flight messages are delivered, then every replica
   * re-sends all its own ops to every other replica (a full exchange), delivered in random order
   * with duplicates but no loss. Finally, every replica catches up on compaction at the latest
   * stable point any replica compacted at, so states (not just membership) are comparable.
   */
  void heal() {
    for (int i = 0; i < group.length; i++) {
      group[i] = 0;
    }
    for (Replica r : replicas) {
      for (Op op : r.ownOps) {
        broadcast(r, op, false);
        if (random.nextInt(10) == 0) {
          broadcast(r, op, false); // a retry: duplicate delivery
        }
      }
    }
    while (!inFlight.isEmpty()) {
      deliverOne(false);
    }
    if (latestCompaction != null) {
      for (Replica r : replicas) {
        r.set = r.set.compact(latestCompaction);
      }
    }
  }

  HybridTimestamp latestCompaction() {
    return latestCompaction;
  }
}
