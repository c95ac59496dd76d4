package dev.mediasync.server.http;

import dev.mediasync.server.metrics.SyncMetrics;
import io.vertx.ext.web.Router;

/**
 * {@code GET /metrics}: Prometheus text format, no token (like {@code /health}); operators keep it
 * off the public ingress and scrape it on the private network.
 */
public final class MetricsRoutes {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final SyncMetrics metrics;

  public MetricsRoutes(SyncMetrics metrics) {
    this.metrics = metrics;
  }

  public void mount(Router router) {
    router
        .get("/metrics")
        .handler(
            ctx -> ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(metrics.scrape()));
  }
}
