package dev.mediasync.engine;

import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.UserLog;
import dev.mediasync.protocol.JsonCodec;
import dev.mediasync.protocol.ServerMessage.SyncOp;
import dev.mediasync.protocol.UserState;
import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Loads each user's replica from the store once and shares it; concurrent first requests wait on
 * the same load. A replica marked broken (a write failed after changing memory) is dropped and
 * loaded again on next use.
 */
final class ReplicaCache {
  private final OpStore store;
  private final JsonCodec codec;
  private final int rememberOps;
  private final ConcurrentMap<String, Future<UserReplica>> replicas = new ConcurrentHashMap<>();

  ReplicaCache(OpStore store, JsonCodec codec, int rememberOps) {
    this.store = store;
    this.codec = codec;
    this.rememberOps = rememberOps;
  }

  Future<UserReplica> get(String userId) {
    Future<UserReplica> f = replicas.computeIfAbsent(userId, this::load);
    if (f.succeeded() && f.result().isBroken()) {
      replicas.remove(userId, f);
      return get(userId);
    }
    if (f.failed()) {
      replicas.remove(userId, f);
    }
    return f;
  }

  /** Drops a user's replica (it is reloaded on next use). */
  void evict(String userId) {
    replicas.remove(userId);
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

  private Future<UserReplica> load(String userId) {
    return store.load(userId).map(log -> rebuild(userId, log));
  }

  private UserReplica rebuild(String userId, UserLog log) {
    UserState state =
        log.snapshot() == null ? UserState.EMPTY : codec.decodeState(log.snapshot().payload());
    java.util.List<LoggedOp> withIds = new java.util.ArrayList<>();
    java.util.List<SyncOp> ops = new java.util.ArrayList<>();
    for (LoggedOp logged : log.ops()) {
      SyncOp op = codec.decodeOp(logged.payload());
      state = state.apply(op);
      if (logged.opId() != null) {
        withIds.add(logged);
        ops.add(op);
      }
    }
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
