package dev.mediasync.engine;

import dev.mediasync.core.ClockSkewException;
import dev.mediasync.core.HybridClock;
import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.core.OrSet;
import dev.mediasync.core.PhysicalClock;
import dev.mediasync.core.Tag;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.DuplicateOpIdException;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.Route;
import dev.mediasync.engine.port.StaleTimestampException;
import dev.mediasync.engine.port.StoredSnapshot;
import dev.mediasync.engine.port.Topic;
import dev.mediasync.engine.port.UserLog;
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
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

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
      SyncListener listener,
      PhysicalClock wallClock) {
    this.store = store;
    this.broker = broker;
    this.clock = clock;
    this.codec = codec;
    this.options = options;
    this.listener = listener;
    this.replicas =
        new ReplicaCache(store, broker, clock, codec, listener, REMEMBERED_OP_IDS, wallClock);
  }

  /**
   * Op ids per user whose answers stay in memory, so a retry of a recent write is answered without
   * the store. A retry of an older one (still in the log: the last {@code keepOps} ops at least)
   * reaches the store, which refuses the duplicate id and returns the first op ({@link
   * OpStore#findOp}). At ~400 B an answer, keeping all 1,000 ops a log can hold cost up to 400 KB
   * per active user.
   */
  static final int REMEMBERED_OP_IDS = 64;

  /**
   * How long a user's replica stays cached on this node after its last use when none of the user's
   * devices is connected here; then it is dropped and loaded again from the store if needed.
   */
  public static final Duration REPLICA_IDLE_EVICTION = Duration.ofMinutes(5);

  /**
   * Drops the cached replicas of users idle for {@link #REPLICA_IDLE_EVICTION} whom {@code inUse}
   * does not claim (e.g. users with a connected device); call it periodically.
   *
   * @return how many were dropped
   */
  public int evictIdleReplicas(Predicate<String> inUse) {
    return replicas.evictIdle(REPLICA_IDLE_EVICTION, inUse);
  }

  /** Replicas cached on this node (a gauge). */
  public int cachedReplicas() {
    return replicas.size();
  }

  /**
   * Several nodes: how often one write is tried when the store says this node's replica was stale
   * ({@link StaleTimestampException}: another node stored a newer op first). Each retry reloads the
   * replica; the client gets exactly one answer.
   */
  static final int MAX_WRITE_ATTEMPTS = 3;

  /** Applies one write of {@code deviceId}; completes when durable. */
  public Future<WriteResult> write(String userId, String deviceId, Write write) {
    return write(userId, deviceId, write, 1);
  }

  private Future<WriteResult> write(String userId, String deviceId, Write write, int attempt) {
    return replicas
        .get(userId)
        .recover(e -> Future.failedFuture(unavailable(e)))
        .compose(replica -> apply(replica, deviceId, write, attempt));
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

  private Future<WriteResult> apply(
      UserReplica replica, String deviceId, Write write, int attempt) {
    Promise<WriteResult> answer = Promise.promise();
    Future<Void> appended;
    SyncOp op;
    boolean applied;
    UserReplica.CompactionPlan compaction;
    synchronized (replica) {
      if (replica.isBroken()) {
        // Dropped from the cache (or failed) after we got it: start over on a fresh replica.
        return write(replica.userId, deviceId, write, attempt);
      }
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
      replica.writeStarted();
      appended = store.append(logged);
      appended.onComplete(
          r -> {
            replica.writeFinished();
            if (r.succeeded()) {
              listener.opStored(System.nanoTime() - started);
              replica.markDurable(op);
              publish(replica, logged, deviceId);
              if (compaction != null) {
                compact(replica, ts, compaction.stable());
              }
              answer.complete(new WriteResult(op, write.opId(), applied, false));
            } else {
              replica.markBroken();
              if (r.cause() instanceof DuplicateOpIdException && write.opId() != null) {
                // An op id this replica does not remember (an old retry, or another node stored
                // it): the store holds the first write, and with it the answer.
                listener.opRejected("duplicate_op_id");
                answerFromStore(replica.userId, write).onComplete(answer);
                return;
              }
              if (attempt < MAX_WRITE_ATTEMPTS && isStaleReplica(r.cause())) {
                // Several nodes: our replica missed another node's op. The replica is reloaded
                // (it is broken now) and the write made again; its answer is this one's.
                listener.opRejected("stale_replica_retry");
                write(replica.userId, deviceId, write, attempt + 1).onComplete(answer);
                return;
              }
              listener.opRejected("store_failure");
              answer.fail(storeFailure(r.cause()));
            }
          });
    }
    return answer.future();
  }

  /**
   * True if the store refused the op because this node's view was behind: a newer op of the user is
   * stored (the HLC observes it so the retry's timestamp is after it).
   */
  private boolean isStaleReplica(Throwable cause) {
    if (!(cause instanceof StaleTimestampException stale)) {
      return false;
    }
    try {
      clock.observe(stale.newest());
    } catch (ClockSkewException e) {
      return false;
    }
    return true;
  }

  /**
   * The answer to a write whose op id the store already holds: the first write's op, marked a
   * duplicate, if this write asks for the same; {@code conflict} if it asks for something else.
   */
  private Future<WriteResult> answerFromStore(String userId, Write write) {
    return store
        .findOp(userId, write.opId())
        .recover(e -> Future.failedFuture(unavailable(e)))
        .compose(
            logged -> {
              if (logged == null) {
                // Compacted away since the store refused it: nothing to answer with.
                return Future.failedFuture(
                    storeFailure(new DuplicateOpIdException(userId, write.opId())));
              }
              if (!write.fingerprint().equals(logged.fingerprint())) {
                return Future.failedFuture(
                    new SyncException(
                        ErrorCode.CONFLICT, "op_id was already used for a different write"));
              }
              return Future.succeededFuture(
                  new WriteResult(codec.decodeOp(logged.payload()), write.opId(), true, true));
            });
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

  private void publish(UserReplica replica, LoggedOp logged, String writerDevice) {
    // The broker echoes the op back to this node's replica subscription; skip it there.
    replica.expectEcho(logged.timestamp());
    broker
        .publish(
            new Envelope(
                replica.userId,
                Topic.SYNC,
                logged.payload(),
                Route.allExcept(writerDevice),
                logged.timestamp()))
        .onFailure(
            e -> {
              replica.isOwnEcho(logged.timestamp()); // no echo will come
              listener.publishFailed(Topic.SYNC, e);
            });
  }

  /**
   * Snapshots the user's state as of {@code through} and trims the log behind it. The snapshot is
   * folded from the durable log, not from this node's memory: with several nodes, memory may still
   * lack an older op another node committed, and a snapshot must hold every op up to its point.
   * Tombstones removed at or before {@code stable} (null: none yet) are dropped on the way.
   */
  private void compact(UserReplica replica, HybridTimestamp through, HybridTimestamp stable) {
    store
        .load(replica.userId)
        .map(log -> foldThrough(replica.userId, log, through, stable))
        .compose(snapshot -> store.compact(snapshot, options.keepOps()))
        .onSuccess(
            v -> {
              if (stable != null) {
                replica.compactTombstones(stable);
              }
            })
        .onFailure(e -> listener.compactionFailed(replica.userId, e));
  }

  private StoredSnapshot foldThrough(
      String userId, UserLog log, HybridTimestamp through, HybridTimestamp stable) {
    UserState state =
        log.snapshot() == null ? UserState.EMPTY : codec.decodeState(log.snapshot().payload());
    for (LoggedOp logged : log.ops()) {
      if (!logged.timestamp().isAfter(through)) {
        state = state.apply(codec.decodeOp(logged.payload()));
      }
    }
    if (stable != null) {
      state =
          new UserState(
              state.watchlist().compact(stable),
              state.progress(),
              state.preferences(),
              state.latest());
    }
    return new StoredSnapshot(userId, through, codec.encodeState(state));
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
