package dev.mediasync.engine.port;

import dev.mediasync.core.HybridTimestamp;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * An {@link OpStore} in memory: durable only for the life of the process. For tests and for running
 * the engine without a database; it passes the same contract suite as the real stores.
 *
 * <p>Thread-safe: every method holds the instance lock for a map operation.
 */
public final class InMemoryOpStore implements OpStore {

  private static final class UserData {
    final NavigableMap<HybridTimestamp, LoggedOp> ops = new TreeMap<>();
    final Map<String, HybridTimestamp> opIds = new HashMap<>();
    StoredSnapshot snapshot;
    HybridTimestamp compactedThrough; // newest deleted op, or null
  }

  // Guarded by this.
  private final Map<String, UserData> users = new HashMap<>();
  private boolean closed;

  @Override
  public synchronized Future<Void> append(LoggedOp op) {
    if (closed) {
      return Future.failedFuture(new StoreUnavailableException("store closed", null));
    }
    UserData u = users.computeIfAbsent(op.userId(), k -> new UserData());
    if (u.ops.containsKey(op.timestamp())) {
      return Future.succeededFuture();
    }
    if (op.opId() != null && u.opIds.containsKey(op.opId())) {
      return Future.failedFuture(new DuplicateOpIdException(op.userId(), op.opId()));
    }
    u.ops.put(op.timestamp(), op);
    if (op.opId() != null) {
      u.opIds.put(op.opId(), op.timestamp());
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<UserLog> load(String userId) {
    UserData u = users.get(userId);
    if (u == null) {
      return Future.succeededFuture(new UserLog(null, List.of()));
    }
    Iterable<LoggedOp> after =
        u.snapshot == null ? u.ops.values() : u.ops.tailMap(u.snapshot.through(), false).values();
    List<LoggedOp> list = new ArrayList<>();
    after.forEach(list::add);
    return Future.succeededFuture(new UserLog(u.snapshot, list));
  }

  @Override
  public synchronized Future<CatchUp> since(String userId, HybridTimestamp since, int limit) {
    UserData u = users.get(userId);
    if (u == null) {
      return Future.succeededFuture(new CatchUp(List.of(), false));
    }
    if (u.compactedThrough != null && since.isBefore(u.compactedThrough)) {
      return Future.succeededFuture(CatchUp.mustSnapshot());
    }
    NavigableMap<HybridTimestamp, LoggedOp> tail = u.ops.tailMap(since, false);
    if (tail.size() > limit) {
      return Future.succeededFuture(CatchUp.mustSnapshot());
    }
    return Future.succeededFuture(new CatchUp(new ArrayList<>(tail.values()), false));
  }

  @Override
  public synchronized Future<Void> compact(StoredSnapshot snapshot, int keepOps) {
    UserData u = users.computeIfAbsent(snapshot.userId(), k -> new UserData());
    if (u.snapshot == null || snapshot.through().isAfter(u.snapshot.through())) {
      u.snapshot = snapshot;
    }
    List<HybridTimestamp> covered =
        new ArrayList<>(u.ops.headMap(snapshot.through(), true).keySet());
    int delete = covered.size() - keepOps;
    for (int i = 0; i < delete; i++) {
      LoggedOp removed = u.ops.remove(covered.get(i));
      if (removed.opId() != null) {
        u.opIds.remove(removed.opId());
      }
      u.compactedThrough = covered.get(i);
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<LoggedOp> findOp(String userId, String opId) {
    UserData u = users.get(userId);
    HybridTimestamp ts = u == null ? null : u.opIds.get(opId);
    return Future.succeededFuture(ts == null ? null : u.ops.get(ts));
  }

  @Override
  public Future<Void> ping() {
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> close() {
    closed = true;
    return Future.succeededFuture();
  }
}
