package dev.mediasync.server.metrics;

import dev.mediasync.core.PhysicalClock;
import dev.mediasync.engine.SyncListener;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Every metric of a node, in one Micrometer registry scraped as Prometheus text at {@code GET
 * /metrics} (README, "Metrics"). It is the engine's {@link SyncListener} and the transport's
 * recorder. Names follow Prometheus conventions ({@code _total}, {@code _seconds}, base units);
 * labels are small closed sets (type, reason, route template, status), never a user or device id.
 *
 * <p>Thread-safe and cheap: Micrometer meters are lock-free after their first lookup; gauges are
 * computed only when scraped.
 */
public final class SyncMetrics implements SyncListener {

  /** Latency buckets, in seconds, shared by the latency histograms. */
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5)
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final PhysicalClock clock;
  private final Counter connectionsOpened;
  private final Timer storeAppend;
  private final Timer syncLatency;
  private final Counter catchUpOps;

  public SyncMetrics(PhysicalClock clock) {
    this.clock = clock;
    connectionsOpened =
        Counter.builder("sync.connections.opened")
            .description("WebSocket connections accepted")
            .register(registry);
    storeAppend =
        Timer.builder("sync.store.append")
            .description("Time from handing an op to the store until it is durable")
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry);
    syncLatency =
        Timer.builder("sync.fanout.latency")
            .description(
                "Time from the op's HLC timestamp (taken on receipt) to its write to each socket")
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry);
    catchUpOps =
        Counter.builder("sync.catchup.ops")
            .description("Ops replayed from the log to connecting devices")
            .register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /** Registers a gauge computed at scrape time (e.g. from the hub or a store's counters). */
  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  /** Registers a monotonic counter read from elsewhere at scrape time. */
  public <T> void functionCounter(
      String name, String description, T source, ToDoubleFunction<T> value) {
    FunctionCounter.builder(name, source, value).description(description).register(registry);
  }

  // ---- engine --------------------------------------------------------------------------------

  @Override
  public void opStored(long nanos) {
    storeAppend.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void publishFailed(Topic topic, Throwable cause) {
    registry.counter("sync.broker.publish.failures", "topic", topic.suffix()).increment();
  }

  @Override
  public void compactionFailed(String userId, Throwable cause) {
    registry.counter("sync.store.compaction.failures").increment();
  }

  @Override
  public void catchUpServed(boolean snapshot, int ops) {
    registry.counter("sync.catchup", "kind", snapshot ? "snapshot" : "replay").increment();
    catchUpOps.increment(ops);
  }

  @Override
  public void delivered(Envelope envelope, int recipients) {
    if (recipients <= 0) {
      return;
    }
    Counter.builder("sync.fanout.deliveries")
        .description("Messages written to local sockets by fan-out (one per socket), by channel")
        .tag("topic", envelope.topic().suffix())
        .register(registry)
        .increment(recipients);
    if (envelope.topic() == Topic.SYNC && envelope.opTimestamp() != null) {
      // The HLC's physical part is the server clock at receipt (or a device clock at most the
      // allowed skew ahead, which shows up as 0 here): millisecond resolution, no extra field.
      long millis = Math.max(0, clock.currentTimeMillis() - envelope.opTimestamp().millis());
      for (int i = 0; i < recipients; i++) {
        syncLatency.record(millis, TimeUnit.MILLISECONDS);
      }
    }
  }

  // ---- transport -----------------------------------------------------------------------------

  public void connectionOpened() {
    connectionsOpened.increment();
  }

  /** A socket closed; {@code reason} is a close-code label (client, timeout, slow_consumer...). */
  public void connectionClosed(String reason) {
    registry.counter("sync.connections.closed", "reason", reason).increment();
  }

  /** A write was applied; {@code outcome} is applied, unchanged or duplicate. */
  public void opApplied(String type, String outcome) {
    registry.counter("sync.ops.applied", "type", type, "outcome", outcome).increment();
  }

  /** A write (or a frame that failed to decode, type {@code unknown}) was refused. */
  public void opRejected(String type, String reason) {
    registry.counter("sync.ops.rejected", "type", type, "reason", reason).increment();
  }

  public void rateLimited(String scope) {
    registry.counter("sync.rate_limited", "scope", scope).increment();
  }

  public void notificationSent() {
    registry.counter("sync.notifications.sent").increment();
  }

  public void notificationsDelivered(String path, int count) {
    registry.counter("sync.notifications.delivered", "path", path).increment(count);
  }

  public void httpRequest(String method, String route, int status, long nanos) {
    Timer.builder("sync.http.requests")
        .description("HTTP requests by route template and status")
        .tags("method", method, "route", route, "status", Integer.toString(status))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }
}
