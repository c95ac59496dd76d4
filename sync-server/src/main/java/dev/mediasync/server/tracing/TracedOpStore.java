package dev.mediasync.server.tracing;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.CatchUp;
import dev.mediasync.engine.port.ForwardingOpStore;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.UserLog;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * An {@link OpStore} that traces appends and carries the caller's trace context across the store's
 * threads: each future completes with the caller's context current, so the engine's completion work
 * (publish, fan-out) joins the writer's trace.
 */
final class TracedOpStore extends ForwardingOpStore {
  private final Tracer tracer;

  TracedOpStore(OpStore delegate, Tracer tracer) {
    super(delegate);
    this.tracer = tracer;
  }

  @Override
  public Future<Void> append(LoggedOp op) {
    Context parent = Context.current();
    Span span =
        tracer
            .spanBuilder("store.append")
            .setParent(parent)
            .setAttribute("sync.op.bytes", (long) op.payload().length())
            .startSpan();
    Context inside = parent.with(span);
    Future<Void> appended;
    try (Scope s = inside.makeCurrent()) {
      appended = delegate.append(op);
    }
    Promise<Void> out = Promise.promise();
    appended.onComplete(
        r -> {
          if (r.failed()) {
            span.recordException(r.cause());
            span.setStatus(StatusCode.ERROR);
          }
          span.end();
          completeIn(inside, out, r);
        });
    return out.future();
  }

  @Override
  public Future<UserLog> load(String userId) {
    return carry(delegate.load(userId));
  }

  @Override
  public Future<CatchUp> since(String userId, HybridTimestamp since, int limit) {
    return carry(delegate.since(userId, since, limit));
  }

  @Override
  public Future<LoggedOp> findOp(String userId, String opId) {
    return carry(delegate.findOp(userId, opId));
  }

  private static <T> Future<T> carry(Future<T> f) {
    Context caller = Context.current();
    Promise<T> out = Promise.promise();
    f.onComplete(r -> completeIn(caller, out, r));
    return out.future();
  }

  /** Completes {@code p}, running its listeners (the engine's continuation) inside {@code ctx}. */
  private static <T> void completeIn(Context ctx, Promise<T> p, AsyncResult<T> r) {
    try (Scope s = ctx.makeCurrent()) {
      p.handle(r);
    }
  }
}
