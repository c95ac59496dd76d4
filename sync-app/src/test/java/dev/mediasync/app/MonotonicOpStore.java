package dev.mediasync.app;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.CatchUp;
import dev.mediasync.engine.port.InMemoryOpStore;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.StaleTimestampException;
import dev.mediasync.engine.port.StoredSnapshot;
import dev.mediasync.engine.port.UserLog;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;

/**
 * One in-memory store shared by two nodes in one JVM, refusing appends whose timestamp is not after
 * the user's newest (as the PostgreSQL store does: log order = commit order across nodes). Counts
 * the refusals so tests can see the engine's retry at work.
 */
final class MonotonicOpStore implements OpStore {
  private final InMemoryOpStore delegate = new InMemoryOpStore();
  private final Map<String, HybridTimestamp> newest = new HashMap<>();
  private final Map<String, LoggedOp> last = new HashMap<>();
  int staleRefusals;

  @Override
  public synchronized Future<Void> append(LoggedOp op) {
    HybridTimestamp top = newest.get(op.userId());
    if (top != null && op.timestamp().compareTo(top) <= 0 && !op.equals(last.get(op.userId()))) {
      staleRefusals++;
      return Future.failedFuture(new StaleTimestampException(op.userId(), top));
    }
    Future<Void> f = delegate.append(op);
    if (f.succeeded()) {
      if (top == null || op.timestamp().isAfter(top)) {
        newest.put(op.userId(), op.timestamp());
        last.put(op.userId(), op);
      }
    }
    return f;
  }

  @Override
  public Future<UserLog> load(String userId) {
    return delegate.load(userId);
  }

  @Override
  public Future<CatchUp> since(String userId, HybridTimestamp since, int limit) {
    return delegate.since(userId, since, limit);
  }

  @Override
  public Future<Void> compact(StoredSnapshot snapshot, int keepOps) {
    return delegate.compact(snapshot, keepOps);
  }

  @Override
  public Future<Void> ping() {
    return delegate.ping();
  }

  @Override
  public Future<Void> close() {
    return delegate.close();
  }
}
