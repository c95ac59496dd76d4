package dev.mediasync.engine;

import dev.mediasync.core.ClockSkewException;
import dev.mediasync.core.HybridClock;
import dev.mediasync.core.PhysicalClock;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.Topic;
import dev.mediasync.engine.port.UserLog;
import dev.mediasync.protocol.JsonCodec;
import dev.mediasync.protocol.ServerMessage.SyncOp;
import dev.mediasync.protocol.UserState;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Loads each user's replica from the store once and shares it; concurrent first requests wait on
 * the same load. A replica marked broken (a write failed after changing memory) is dropped and
 * loaded again on next use.
 *
 * <p><b>Several nodes.</b> Another node may write for the same user, so a cached replica must not
 * go stale. A replica is cached only while it is subscribed to {@code user.{id}.sync}: the cache
 * subscribes <i>before</i> it loads (broker rule 5, so no op falls between the load and the
 * subscription), applies every op it then receives (idempotent and commutative, so ops the load
 * already had, or our own, change nothing) and observes their timestamps on the HLC, so the clocks
 * of all nodes are merged through the ops they exchange. It unsubscribes when the replica leaves
 * the cache. If the subscription fails (broker down), the replica is served for that one request
 * and not cached (it is reloaded from the store on every use until the broker is back). When the
 * broker reports a delivery gap, every cached replica is dropped.
 */
final class ReplicaCache {
  private final OpStore store;
  private final Broker broker;
  private final HybridClock clock;
  private final JsonCodec codec;
  private final SyncListener listener;
  private final int rememberOps;
  private final PhysicalClock wallClock;
  private final ConcurrentMap<String, Future<UserReplica>> replicas = new ConcurrentHashMap<>();
  private final AtomicLong gaps = new AtomicLong();

  ReplicaCache(
      OpStore store,
      Broker broker,
      HybridClock clock,
      JsonCodec codec,
      SyncListener listener,
      int rememberOps,
      PhysicalClock wallClock) {
    this.wallClock = wallClock;
    this.store = store;
    this.broker = broker;
    this.clock = clock;
    this.codec = codec;
    this.listener = listener;
    this.rememberOps = rememberOps;
    broker.onDeliveryGap(this::dropAll);
  }

  Future<UserReplica> get(String userId) {
    Future<UserReplica> f = replicas.computeIfAbsent(userId, this::load);
    if (f.succeeded()) {
      f.result().touch(wallClock.currentTimeMillis());
    } else if (!f.isComplete()) {
      f.onSuccess(r -> r.touch(wallClock.currentTimeMillis()));
    }
    if (f.succeeded() && f.result().isBroken()) {
      UserReplica old = f.result();
      replicas.computeIfPresent(userId, (k, cur) -> cur == f ? reload(userId, old) : cur);
      return get(userId);
    }
    if (f.failed()) {
      replicas.remove(userId, f);
    } else if (!f.isComplete()) {
      f.onSuccess(r -> dropIfUncached(userId, f));
    } else {
      dropIfUncached(userId, f);
    }
    return f;
  }

  /** A replica loaded without a subscription serves the requests that waited for it, no more. */
  private void dropIfUncached(String userId, Future<UserReplica> f) {
    if (f.result().isUncached()) {
      replicas.remove(userId, f);
    }
  }

  /**
   * Drops the replicas nobody used for {@code idle}, except those of users {@code inUse} says are
   * still needed and those with a write on its way to the store (a reload must not read the log
   * before that write is in it). Without this the cache would keep every user who ever wrote
   * through this node, each with up to {@code rememberOps} answers, for the life of the process.
   *
   * @return how many were dropped
   */
  int evictIdle(Duration idle, Predicate<String> inUse) {
    long now = wallClock.currentTimeMillis();
    int evicted = 0;
    for (Map.Entry<String, Future<UserReplica>> e : replicas.entrySet()) {
      Future<UserReplica> f = e.getValue();
      if (!f.succeeded()) {
        continue;
      }
      UserReplica replica = f.result();
      if (now - replica.lastUsedMillis() < idle.toMillis()) {
        continue; // most replicas: no lock taken
      }
      synchronized (replica) { // writes start under this lock; see SyncService.apply
        if (now - replica.lastUsedMillis() < idle.toMillis()
            || replica.hasWritesInFlight()
            || inUse.test(e.getKey())) {
          continue;
        }
        replica.markBroken(); // a write that already holds it starts over on a fresh one
      }
      if (replicas.remove(e.getKey(), f)) {
        replica.unsubscribe();
        evicted++;
      }
    }
    return evicted;
  }

  /** Drops a user's replica (it is reloaded on next use). */
  void evict(String userId) {
    Future<UserReplica> f = replicas.remove(userId);
    if (f != null && f.succeeded()) {
      f.result().markBroken();
      f.result().unsubscribe();
    }
  }

  /** The acknowledged state of every loaded replica (for gauges; a point-in-time copy). */
  java.util.List<UserState> loadedStates() {
    java.util.List<UserState> out = new java.util.ArrayList<>(replicas.size());
    for (Future<UserReplica> f : replicas.values()) {
      if (f.succeeded()) {
        out.add(f.result().durableState());
      }
    }
    return out;
  }

  int size() {
    return replicas.size();
  }

  /** The broker lost envelopes: no cached replica can be trusted to be complete. */
  private void dropAll() {
    gaps.incrementAndGet();
    for (String userId : List.copyOf(replicas.keySet())) {
      evict(userId);
    }
  }

  /**
   * Loads a broken replica again from the store, keeping its broker subscription (no SUBSCRIBE
   * round trip): a write refused as stale is retried at once, before the other node writes again.
   * Envelopes that arrive meanwhile are buffered and applied to the new replica.
   */
  private Future<UserReplica> reload(String userId, UserReplica old) {
    Broker.Subscription subscription = old.takeSubscription();
    Feed feed = old.feed();
    if (subscription == null || feed == null) {
      return load(userId);
    }
    long gapsAtStart = gaps.get();
    feed.detach();
    return store
        .load(userId)
        .map(log -> rebuild(userId, log))
        .map(replica -> adopt(replica, feed, subscription, gapsAtStart))
        .onFailure(e -> subscription.unsubscribe());
  }

  private UserReplica adopt(
      UserReplica replica, Feed feed, Broker.Subscription subscription, long gapsAtStart) {
    replica.feed(feed);
    feed.attach(replica);
    replica.subscription(subscription);
    if (subscription == null || gaps.get() != gapsAtStart) {
      // Not kept fresh by the broker: serve this request, reload next time.
      replica.markUncached();
      replica.unsubscribe();
    }
    return replica;
  }

  /** Feeds broker envelopes to a replica that may still be loading. */
  final class Feed {
    private final String userId;
    // Guarded by this: ops received before the load finished.
    private List<SyncOp> early = new ArrayList<>();
    private volatile UserReplica replica;

    Feed(String userId) {
      this.userId = userId;
    }

    void accept(Envelope envelope) {
      if (envelope.topic() != Topic.SYNC || envelope.opTimestamp() == null) {
        return;
      }
      UserReplica r = replica;
      if (r != null && r.isOwnEcho(envelope.opTimestamp())) {
        return;
      }
      // Another node's clock far ahead is not followed (skew); the op itself is still applied.
      observe(envelope.opTimestamp());
      SyncOp op;
      try {
        op = codec.decodeOp(envelope.json());
      } catch (RuntimeException e) {
        if (r != null) {
          r.markBroken(); // cannot apply it: reload from the store on next use
        }
        return;
      }
      if (r == null) {
        synchronized (this) {
          if (replica == null) {
            early.add(op);
            return;
          }
          r = replica;
        }
      }
      r.applyRemote(op);
    }

    /** The replica is being replaced: buffer envelopes until {@link #attach}. */
    synchronized void detach() {
      replica = null;
      early = new ArrayList<>();
    }

    synchronized void attach(UserReplica r) {
      for (SyncOp op : early) {
        r.applyRemote(op);
      }
      early = null;
      replica = r;
    }
  }

  private Future<UserReplica> load(String userId) {
    long gapsAtStart = gaps.get();
    Feed feed = new Feed(userId);
    return broker
        .subscribe(userId, feed::accept)
        .transform(
            sub -> {
              Broker.Subscription subscription = sub.succeeded() ? sub.result() : null;
              return store
                  .load(userId)
                  .map(log -> rebuild(userId, log))
                  .map(replica -> adopt(replica, feed, subscription, gapsAtStart))
                  .onFailure(
                      e -> {
                        if (subscription != null) {
                          subscription.unsubscribe();
                        }
                      });
            });
  }

  private void observe(dev.mediasync.core.HybridTimestamp ts) {
    if (ts.equals(dev.mediasync.core.HybridTimestamp.ZERO)) {
      return;
    }
    try {
      clock.observe(ts);
    } catch (ClockSkewException e) {
      listener.opRejected("remote_clock_skew");
    }
  }

  private UserReplica rebuild(String userId, UserLog log) {
    UserState state =
        log.snapshot() == null ? UserState.EMPTY : codec.decodeState(log.snapshot().payload());
    List<LoggedOp> withIds = new ArrayList<>();
    List<SyncOp> ops = new ArrayList<>();
    for (LoggedOp logged : log.ops()) {
      SyncOp op = codec.decodeOp(logged.payload());
      state = state.apply(op);
      if (logged.opId() != null) {
        withIds.add(logged);
        ops.add(op);
      }
    }
    observe(state.latest()); // several nodes: our next op must come after every stored one
    UserReplica replica = new UserReplica(userId, state, rememberOps);
    for (int i = 0; i < withIds.size(); i++) {
      LoggedOp logged = withIds.get(i);
      replica.remember(
          logged.opId(),
          logged.fingerprint(),
          Future.succeededFuture(new WriteResult(ops.get(i), logged.opId(), true, false)));
    }
    return replica;
  }
}
