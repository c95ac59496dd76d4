package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code GET /metrics} after real REST and WebSocket traffic: the counters moved exactly. */
class MetricsIT {
  private static final String USER = "metrics-user-7f3a";

  @Test
  void scrape_afterTraffic_countsConnectionsOpsFanOutCatchUpAndHttp() {
    try (TestServer server = TestServer.start()) {
      WsClient tv = server.connect(USER, "tv");
      WsClient phone = server.connect(USER, "phone");
      tv.awaitType("device_online");

      Http.Resp add =
          server
              .http()
              .post(
                  "/api/v1/sync/watchlist",
                  server.token(USER, "phone"),
                  "{\"operation\":\"add\",\"content_id\":\"tmdb:550\"}");
      assertThat(add.status()).isEqualTo(200);
      tv.expectType("watchlist_update");

      phone.send(
          "{\"type\":\"progress_update\",\"content_id\":\"tmdb:1\",\"position_seconds\":5,"
              + "\"duration_seconds\":100,\"state\":\"playing\",\"op_id\":\"p-1\"}");
      phone.expectType("ack");
      tv.expectType("progress_update");

      Http.Resp bad =
          server
              .http()
              .post(
                  "/api/v1/sync/progress",
                  server.token(USER, "phone"),
                  "{\"content_id\":\"tmdb:1\",\"position_seconds\":10,\"duration_seconds\":5,"
                      + "\"state\":\"paused\"}");
      assertThat(bad.status()).isEqualTo(400);
      phone.send("{\"type\":\"no_such_type\"}");
      phone.expectType("error");

      phone.close();
      Scrape.await(
          () -> Scrape.of(server).value("sync_connections_closed_total", "reason", "client"), 1);

      WsClient laptop = server.connect(USER, "laptop", "&since=0");
      laptop.expectType("watchlist_update");
      laptop.expectType("progress_update");

      Scrape m = Scrape.of(server);
      assertThat(m.value("sync_connections_opened_total")).isEqualTo(3);
      assertThat(m.value("sync_connections")).isEqualTo(2);
      assertThat(m.value("sync_devices_online")).isEqualTo(2);
      assertThat(m.value("sync_ops_applied_total", "type", "watchlist", "outcome", "applied"))
          .isEqualTo(1);
      assertThat(m.value("sync_ops_applied_total", "type", "progress", "outcome", "applied"))
          .isEqualTo(1);
      assertThat(m.value("sync_ops_rejected_total", "type", "progress", "reason", "invalid_field"))
          .isEqualTo(1);
      assertThat(m.value("sync_ops_rejected_total", "type", "unknown", "reason", "unknown_type"))
          .isEqualTo(1);
      assertThat(m.value("sync_fanout_deliveries_total", "topic", "sync")).isEqualTo(2);
      assertThat(m.value("sync_fanout_latency_seconds_count")).isEqualTo(2);
      assertThat(m.value("sync_store_append_seconds_count")).isEqualTo(2);
      assertThat(m.value("sync_store_appends_total")).isEqualTo(2);
      assertThat(m.value("sync_store_commits_total")).isBetween(1.0, 2.0);
      assertThat(m.value("sync_catchup_total", "kind", "replay")).isEqualTo(1);
      assertThat(m.value("sync_catchup_total", "kind", "snapshot")).isEqualTo(0);
      assertThat(m.value("sync_catchup_ops_total")).isEqualTo(2);
      assertThat(m.value("sync_broker_publish_failures_total")).isEqualTo(0);
      assertThat(m.value("sync_log_lines_dropped_total")).isEqualTo(0);
      assertThat(
              m.value(
                  "sync_http_requests_seconds_count",
                  "method",
                  "POST",
                  "route",
                  "/api/v1/sync/watchlist",
                  "status",
                  "200"))
          .isEqualTo(1);
      assertThat(
              m.value(
                  "sync_http_requests_seconds_count",
                  "route",
                  "/api/v1/sync/progress",
                  "status",
                  "400"))
          .isEqualTo(1);
      assertThat(m.text())
          .contains("sync_outbound_queue_bytes")
          .contains("sync_watchlist_tombstones_max")
          .contains("sync_replicas_cached")
          .contains("sync_store_append_seconds_bucket")
          .doesNotContain(USER)
          .doesNotContain("tmdb:");
      tv.close();
      laptop.close();
    }
  }

  @Test
  void metrics_needsNoToken_andUnknownPathsShareOneRouteLabel() {
    try (TestServer server = TestServer.start()) {
      server.http().get("/api/v1/no/such/" + USER, server.token(USER, null));
      server.http().get("/another/unknown/path", null);
      Http.Resp r = server.http().get("/metrics", null);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Content-Type")).startsWith("text/plain");
      Scrape m = new Scrape(r.body());
      assertThat(m.value("sync_http_requests_seconds_count", "route", "other", "status", "404"))
          .isEqualTo(2);
      assertThat(r.body()).doesNotContain(USER).doesNotContain("/another");
    }
  }
}
