package dev.mediasync.server.tracing;

import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.OpStore;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;

/**
 * OpenTelemetry tracing of a node, or nothing. {@link #OFF} (the default) installs no handler and
 * wraps no port, so tracing costs nothing when disabled; the transport asks {@link #enabled} before
 * starting a span.
 *
 * <p>Spans: one per HTTP request ({@code POST /api/v1/sync/watchlist}: route template, never a user
 * id), one per inbound WebSocket frame ({@code WS progress_update}), {@code store.append}, {@code
 * broker.publish}, and {@code fanout} when a node's subscription delivers. In one process the chain
 * is one trace: the store completes the append under the writer's context, so the publish and the
 * fan-out are normally its children; when the store finishes before the engine has registered its
 * completion handler, Vert.x runs that handler at once in the caller's context and the publish
 * nests directly under the request instead (same trace). Across nodes (Redis, PubNub) the envelope
 * carries no trace context yet: the fan-out on another node starts its own trace.
 */
public final class Tracing {
  public static final Tracing OFF = new Tracing(null);
  public static final String INSTRUMENTATION = "dev.mediasync.sync";

  private final Tracer tracer;

  private Tracing(Tracer tracer) {
    this.tracer = tracer;
  }

  public static Tracing of(OpenTelemetry otel) {
    return new Tracing(otel.getTracer(INSTRUMENTATION));
  }

  public boolean enabled() {
    return tracer != null;
  }

  /** The tracer; only call when {@link #enabled}. */
  public Tracer tracer() {
    if (tracer == null) {
      throw new IllegalStateException("tracing is off");
    }
    return tracer;
  }

  /** {@code store} with spans around appends, or {@code store} itself when off. */
  public OpStore wrap(OpStore store) {
    return tracer == null ? store : new TracedOpStore(store, tracer);
  }

  /** {@code broker} with publish and fan-out spans, or {@code broker} itself when off. */
  public Broker wrap(Broker broker) {
    return tracer == null ? broker : new TracedBroker(broker, tracer);
  }
}
