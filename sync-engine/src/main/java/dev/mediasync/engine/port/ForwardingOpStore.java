package dev.mediasync.engine.port;

import dev.mediasync.core.HybridTimestamp;
import io.vertx.core.Future;
import java.util.Objects;

/**
 * An {@link OpStore} that forwards every call to another one. Decorators (tracing, test doubles)
 * extend it and override only what they change, so the contract of the wrapped store holds for
 * everything else.
 */
public abstract class ForwardingOpStore implements OpStore {
  protected final OpStore delegate;

  protected ForwardingOpStore(OpStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public Future<Void> append(LoggedOp op) {
    return delegate.append(op);
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
  public Future<LoggedOp> findOp(String userId, String opId) {
    return delegate.findOp(userId, opId);
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
