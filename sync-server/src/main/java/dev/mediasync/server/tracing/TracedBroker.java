package dev.mediasync.server.tracing;

import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.Envelope;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * A {@link Broker} with a {@code broker.publish} span per publish and a {@code fanout} span per
 * delivery to this node's subscription. The in-process broker delivers inside the publish call, so
 * the fan-out is the publish's child; a remote broker delivers on its own thread without the
 * writer's context (cross-node propagation is future work: the envelope carries no trace context).
 */
final class TracedBroker implements Broker {
  private final Broker delegate;
  private final Tracer tracer;

  TracedBroker(Broker delegate, Tracer tracer) {
    this.delegate = delegate;
    this.tracer = tracer;
  }

  @Override
  public Future<Void> publish(Envelope envelope) {
    Span span =
        tracer
            .spanBuilder("broker.publish")
            .setAttribute("sync.topic", envelope.topic().suffix())
            .startSpan();
    Future<Void> f;
    try (Scope s = span.makeCurrent()) {
      f = delegate.publish(envelope);
    }
    return f.andThen(
        r -> {
          if (r.failed()) {
            span.recordException(r.cause());
            span.setStatus(StatusCode.ERROR);
          }
          span.end();
        });
  }

  @Override
  public Future<Subscription> subscribe(String userId, Consumer<Envelope> handler) {
    return delegate.subscribe(
        userId,
        envelope -> {
          Span span =
              tracer
                  .spanBuilder("fanout")
                  .setParent(Context.current())
                  .setAttribute("sync.topic", envelope.topic().suffix())
                  .startSpan();
          try (Scope s = span.makeCurrent()) {
            handler.accept(envelope);
          } finally {
            span.end();
          }
        });
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
