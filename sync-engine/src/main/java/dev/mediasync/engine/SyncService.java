package dev.mediasync.engine;

import dev.mediasync.core.ClockSkewException;
import dev.mediasync.core.HybridClock;
import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.core.OrSet;
import dev.mediasync.core.Tag;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.DuplicateOpIdException;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.Route;
import dev.mediasync.engine.port.StoredSnapshot;
import dev.mediasync.engine.port.Topic;
import dev.mediasync.protocol.ClientMessage.PreferenceWrite;
import dev.mediasync.protocol.ClientMessage.ProgressWrite;
import dev.mediasync.protocol.ClientMessage.WatchlistWrite;
import dev.mediasync.protocol.ClientMessage.Write;
import dev.mediasync.protocol.ErrorCode;
import dev.mediasync.protocol.JsonCodec;
import dev.mediasync.protocol.ServerMessage.PreferenceUpdate;
import dev.mediasync.protocol.ServerMessage.ProgressUpdate;
import dev.mediasync.protocol.ServerMessage.SyncOp;
import dev.mediasync.protocol.ServerMessage.WatchlistUpdate;
import dev.mediasync.protocol.SyncException;
import dev.mediasync.protocol.UserState;
import dev.mediasync.protocol.WatchlistOperation;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;

/**
 * Applies writes: the use case behind every REST and WebSocket write.
 *
 * <p>One write: (1) take an HLC reading, observing the device's own timestamp if it sent one; (2)
 * merge into the user's replica; (3) append to the {@link OpStore} and wait until durable; (4)
 * publish on {@code user.{id}.sync}. Steps 1-3 run under the replica's lock so timestamp order is
 * store order; step 4 runs in the store's completion order, so devices see ops in log order. The
 * answer completes after step 3: a success means durable.
 */
public final class SyncService {

  private final OpStore store;
  private final Broker broker;
  private final HybridClock clock;
  private final JsonCodec codec;
  private final EngineOptions options;
  private final ReplicaCache replicas;
  private final SyncListener listener;

  public SyncService(
      OpStore store,
      Broker broker,
      HybridClock clock,
      JsonCodec codec,
      EngineOptions options,
      SyncListener listener) {
    this.store = store;
    this.broker = broker;
    this.clock = clock;
    this.codec = codec;
    this.options = options;
    this.listener = listener;
    this.replicas =
        new ReplicaCache(store, codec, Math.max(1, options.keepOps() + options.compactEveryOps()));
  }

  /** Applies one write of {@code deviceId}; completes when durable. */
  public Future<WriteResult> write(String userId, String deviceId, Write write) {
    return replicas
        .get(userId)
        .recover(e -> Future.failedFuture(unavailable(e)))
        .compose(replica -> apply(replica, deviceId, write));
  }

  /** The user's acknowledged state (what REST reads return). */
  public Future<UserState> state(String userId) {
    return replicas
        .get(userId)
        .recover(e -> Future.failedFuture(unavailable(e)))
        .map(UserReplica::durableState);
  }

  /**
   * The acknowledged state of every user replica cached on this node, for gauges (e.g. watchlist
   * tombstones); costs one list entry per cached user.
   */
  public List<UserState> cachedStates() {
    return replicas.loadedStates();
  }

  public HybridClock clock() {
    return clock;
  }

  private Future<WriteResult> apply(UserReplica replica, String deviceId, Write write) {
    Promise<WriteResult> answer = Promise.promise();
    Future<Void> appended;
    SyncOp op;
    boolean applied;
    UserReplica.CompactionPlan compaction;
    synchronized (replica) {
      if (write.opId() != null) {
        UserReplica.RememberedOp prior = replica.remembered(write.opId());
        if (prior != null) {
          if (!prior.fingerprint().equals(write.fingerprint())) {
            return Future.failedFuture(
                new SyncException(
                    ErrorCode.CONFLICT, "op_id was already used for a different write"));
          }
          return prior.result().map(WriteResult::asDuplicate);
        }
      }
      HybridTimestamp ts = timestampFor(write);
      UserState before = replica.state();
      op = toOp(write, ts, deviceId, before);
      UserState after = before.apply(op);
      applied = changedContent(before, after);
      replica.setState(after);
      String payload = codec.encode(op);
      LoggedOp logged =
          new LoggedOp(
              replica.userId,
              ts,
              write.opId(),
              write.opId() == null ? null : write.fingerprint(),
              payload);
      if (write.opId() != null) {
        replica.remember(write.opId(), write.fingerprint(), answer.future());
      }
      compaction = replica.noteAppended(ts, options.compactEveryOps(), options.keepOps());
      long started = System.nanoTime();
      appended = store.append(logged);
      appended.onComplete(
          r -> {
            if (r.succeeded()) {
              listener.opStored(System.nanoTime() - started);
              replica.markDurable(op);
              publish(replica.userId, logged, deviceId);
              if (compaction != null) {
                compact(replica, compaction);
              }
              answer.complete(new WriteResult(op, write.opId(), applied, false));
            } else {
              replica.markBroken();
              listener.opRejected("store_failure");
              answer.fail(storeFailure(r.cause()));
            }
          });
    }
    return answer.future();
  }

  private HybridTimestamp timestampFor(Write write) {
    if (write.clientTimestamp() == null) {
      return clock.now();
    }
    try {
      return clock.observe(write.clientTimestamp());
    } catch (ClockSkewException e) {
      throw SyncException.invalidField("timestamp: " + e.getMessage());
    }
  }

  private static SyncOp toOp(Write write, HybridTimestamp ts, String deviceId, UserState state) {
    if (write instanceof WatchlistWrite w) {
      List<Tag> tags = List.of();
      if (w.operation() == WatchlistOperation.REMOVE) {
        // Without tags the device saw what the server has: remove the adds observed here.
        tags = w.tags() != null ? w.tags() : List.copyOf(state.watchlist().tags(w.contentId()));
      }
      return new WatchlistUpdate(w.operation(), w.contentId(), ts, deviceId, tags);
    }
    if (write instanceof ProgressWrite p) {
      return new ProgressUpdate(p.contentId(), p.progress(), ts, deviceId);
    }
    if (write instanceof PreferenceWrite f) {
      return new PreferenceUpdate(f.key(), f.value(), ts, deviceId);
    }
    throw new IllegalArgumentException("not a write: " + write);
  }

  /** Identity checks suffice: the CRDTs return the same instance when an op changes nothing. */
  private static boolean changedContent(UserState before, UserState after) {
    OrSet<String> wl = before.watchlist();
    return wl != after.watchlist()
        || before.progress() != after.progress()
        || before.preferences() != after.preferences();
  }

  private void publish(String userId, LoggedOp logged, String writerDevice) {
    broker
        .publish(
            new Envelope(
                userId,
                Topic.SYNC,
                logged.payload(),
                Route.allExcept(writerDevice),
                logged.timestamp()))
        .onFailure(e -> listener.publishFailed(Topic.SYNC, e));
  }

  private void compact(UserReplica replica, UserReplica.CompactionPlan plan) {
    if (plan.stable() != null) {
      replica.compactTombstones(plan.stable());
    }
    UserState snapshotState =
        plan.stable() == null
            ? plan.snapshotState()
            : new UserState(
                plan.snapshotState().watchlist().compact(plan.stable()),
                plan.snapshotState().progress(),
                plan.snapshotState().preferences(),
                plan.snapshotState().latest());
    StoredSnapshot snapshot =
        new StoredSnapshot(
            replica.userId, snapshotState.latest(), codec.encodeState(snapshotState));
    store
        .compact(snapshot, options.keepOps())
        .onFailure(e -> listener.compactionFailed(replica.userId, e));
  }

  private static SyncException storeFailure(Throwable cause) {
    if (cause instanceof DuplicateOpIdException) {
      return new SyncException(ErrorCode.CONFLICT, "op_id was already used by this user");
    }
    return unavailable(cause);
  }

  static SyncException unavailable(Throwable cause) {
    if (cause instanceof SyncException se) {
      return se;
    }
    return new SyncException(
        ErrorCode.UNAVAILABLE, "the store is unavailable; the write was not applied", cause);
  }
}
