package dev.mediasync.server;

import dev.mediasync.engine.NotificationService;
import dev.mediasync.server.limits.RateLimitOptions;
import dev.mediasync.server.limits.RateLimiter;
import dev.mediasync.server.metrics.SyncMetrics;
import dev.mediasync.server.tracing.Tracing;

/**
 * The operational parts of a node besides the engine: metrics, tracing, limits, notifications and
 * the log format. The composition root builds them (the metrics are also the engine's listener).
 *
 * @param notifications null: {@code /api/v1/notifications} answers 404 and nothing is delivered
 * @param jsonLogs access and connection log lines as JSON objects ({@code SYNC_LOG_FORMAT=json})
 */
public record ServerOps(
    SyncMetrics metrics,
    Tracing tracing,
    RateLimiter limiter,
    NotificationService notifications,
    boolean jsonLogs) {

  /** Metrics on, tracing off, no limits, no notifications, text logs. */
  public static ServerOps minimal(dev.mediasync.core.PhysicalClock clock) {
    return new ServerOps(
        new SyncMetrics(clock),
        Tracing.OFF,
        new RateLimiter(RateLimitOptions.unlimited(), clock),
        null,
        false);
  }
}
