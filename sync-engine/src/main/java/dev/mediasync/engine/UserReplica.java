package dev.mediasync.engine;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.protocol.ServerMessage.SyncOp;
import dev.mediasync.protocol.UserState;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

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
  private volatile long lastUsedMillis;

  /** Appends handed to the store and not yet answered; incremented under the instance lock. */
  private final AtomicInteger writesInFlight = new AtomicInteger();

  private volatile boolean uncached;

  // Several nodes: timestamps of ops this replica wrote and published whose echo from the broker
  // has not come back yet; the echo is then skipped without decoding. Guarded by this.
  private final Set<HybridTimestamp> ownEchoes = new HashSet<>();
  private static final int MAX_OWN_ECHOES = 4_096;

  /** The broker subscription that keeps this replica fresh while cached; null if none. */
  private volatile Broker.Subscription subscription;

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

  void touch(long nowMillis) {
    lastUsedMillis = nowMillis;
  }

  long lastUsedMillis() {
    return lastUsedMillis;
  }

  /** Called under the instance lock, before the append is handed to the store. */
  void writeStarted() {
    writesInFlight.incrementAndGet();
  }

  void writeFinished() {
    writesInFlight.decrementAndGet();
  }

  /** Called under the instance lock: no write is between {@link #writeStarted} and its end. */
  boolean hasWritesInFlight() {
    return writesInFlight.get() > 0;
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
    return new CompactionPlan(stable);
  }

  /**
   * A compaction to run once the op that triggered it is durable; {@code stable} is the newest op
   * the trim will drop (tombstones removed at or before it go too), null before enough ops.
   */
  record CompactionPlan(HybridTimestamp stable) {}

  /**
   * Several nodes: an op of this user that reached us through the broker, possibly written by
   * another node. It is durable (ops are published after they are stored), so it goes into both
   * views. {@link UserState#apply} is idempotent and commutative, so an op already applied (our
   * own, or one the load already contained) changes nothing, and order does not matter.
   */
  synchronized void applyRemote(SyncOp op) {
    state = state.apply(op);
    durableState = durableState.apply(op);
  }

  /** Remembers that the op at {@code ts} is about to be published by this replica. */
  synchronized void expectEcho(HybridTimestamp ts) {
    if (ownEchoes.size() >= MAX_OWN_ECHOES) {
      ownEchoes.clear(); // echoes were lost (broker down): forget them; re-applying is harmless
    }
    ownEchoes.add(ts);
  }

  /** True (and forgets it) if {@code ts} is the echo of an op this replica published. */
  synchronized boolean isOwnEcho(HybridTimestamp ts) {
    return ownEchoes.remove(ts);
  }

  void subscription(Broker.Subscription sub) {
    this.subscription = sub;
  }

  /** Hands the subscription over (to the replica that replaces this one); null if none. */
  Broker.Subscription takeSubscription() {
    Broker.Subscription sub = subscription;
    subscription = null;
    return sub;
  }

  private volatile ReplicaCache.Feed feed;

  void feed(ReplicaCache.Feed f) {
    this.feed = f;
  }

  ReplicaCache.Feed feed() {
    return feed;
  }

  /** Drops the broker subscription, if any; called when the replica leaves the cache. */
  void unsubscribe() {
    Broker.Subscription sub = subscription;
    subscription = null;
    if (sub != null) {
      sub.unsubscribe();
    }
  }

  /** Loaded without a broker subscription: must not be cached (see {@link ReplicaCache}). */
  void markUncached() {
    uncached = true;
  }

  boolean isUncached() {
    return uncached;
  }

  boolean isBroken() {
    return broken;
  }

  /** A write failed after it changed memory: this replica must be reloaded from the store. */
  void markBroken() {
    broken = true;
  }
}
