package dev.mediasync.engine;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.protocol.ServerMessage.SyncOp;
import dev.mediasync.protocol.UserState;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One user's state on this node.
 *
 * <p>Two views: {@link #state()} includes writes still being made durable (new writes build on it,
 * so they apply in order); {@link #durableState()} holds only acknowledged ops and is what a
 * snapshot sends. Writes are serialized by the instance lock, held for microseconds: the HLC
 * reading, the merge and the hand-off to the store happen under it, which keeps timestamp order,
 * apply order and store order the same.
 */
final class UserReplica {

  /** An op id seen recently and the (possibly still pending) answer to it. */
  record RememberedOp(String fingerprint, Future<WriteResult> result) {}

  final String userId;

  // Guarded by this.
  private UserState state;
  private final Map<String, RememberedOp> opIds;
  private final ArrayDeque<HybridTimestamp> recentOps = new ArrayDeque<>();
  private int opsSinceCompaction;
  private final int rememberOps;

  private volatile UserState durableState;
  private volatile boolean broken;

  UserReplica(String userId, UserState loaded, int rememberOps) {
    this.userId = userId;
    this.state = loaded;
    this.durableState = loaded;
    this.rememberOps = rememberOps;
    this.opIds =
        new LinkedHashMap<>(16, 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, RememberedOp> eldest) {
            return size() > UserReplica.this.rememberOps;
          }
        };
  }

  UserState state() {
    return state;
  }

  void setState(UserState next) {
    state = next;
  }

  UserState durableState() {
    return durableState;
  }

  /** Called in op-completion order, so the durable view advances in log order. */
  synchronized void markDurable(SyncOp op) {
    durableState = durableState.apply(op);
  }

  /** Replaces both views, e.g. after tombstones were compacted. */
  synchronized void compactTombstones(HybridTimestamp stable) {
    state = withWatchlistCompacted(state, stable);
    durableState = withWatchlistCompacted(durableState, stable);
  }

  private static UserState withWatchlistCompacted(UserState s, HybridTimestamp stable) {
    return new UserState(s.watchlist().compact(stable), s.progress(), s.preferences(), s.latest());
  }

  RememberedOp remembered(String opId) {
    return opIds.get(opId);
  }

  void remember(String opId, String fingerprint, Future<WriteResult> result) {
    opIds.put(opId, new RememberedOp(fingerprint, result));
  }

  /**
   * Notes an appended op and answers whether it is time to compact; if so, returns the stable
   * timestamp: the newest op the compaction will drop from the log (null if none yet).
   */
  CompactionPlan noteAppended(HybridTimestamp ts, int compactEveryOps, int keepOps) {
    recentOps.addLast(ts);
    while (recentOps.size() > keepOps + compactEveryOps) {
      recentOps.removeFirst();
    }
    if (++opsSinceCompaction < compactEveryOps) {
      return null;
    }
    opsSinceCompaction = 0;
    int dropped = recentOps.size() - keepOps;
    HybridTimestamp stable = null;
    var it = recentOps.iterator();
    for (int i = 0; i < dropped && it.hasNext(); i++) {
      stable = it.next();
    }
    return new CompactionPlan(state, stable);
  }

  /** A compaction to run once the op that triggered it is durable. */
  record CompactionPlan(UserState snapshotState, HybridTimestamp stable) {}

  boolean isBroken() {
    return broken;
  }

  /** A write failed after it changed memory: this replica must be reloaded from the store. */
  void markBroken() {
    broken = true;
  }
}
