package dev.mediasync.app;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.ForwardingOpStore;
import dev.mediasync.engine.port.InMemoryOpStore;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.StaleTimestampException;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;

/**
 * One in-memory store shared by two nodes in one JVM, refusing appends whose timestamp is not after
 * the user's newest (as the PostgreSQL store does: log order = commit order across nodes). Counts
 * the refusals so tests can see the engine's retry at work.
 */
final class MonotonicOpStore extends ForwardingOpStore {
  private final Map<String, HybridTimestamp> newest = new HashMap<>();
  private final Map<String, LoggedOp> last = new HashMap<>();
  int staleRefusals;

  MonotonicOpStore() {
    super(new InMemoryOpStore());
  }

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
}
