package dev.mediasync.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerHistogramsTest {

  private static String exposition(long le1, long le5, long le10, long inf) {
    return String.join(
        "\n",
        "# HELP sync_store_append_seconds Time from handing an op to the store until it is durable",
        "# TYPE sync_store_append_seconds histogram",
        "sync_store_append_seconds_bucket{le=\"0.001\"} " + le1,
        "sync_store_append_seconds_bucket{le=\"0.005\"} " + le5,
        "sync_store_append_seconds_bucket{le=\"0.01\"} " + le10,
        "sync_store_append_seconds_bucket{le=\"+Inf\"} " + inf,
        "sync_store_append_seconds_count " + inf,
        "sync_store_append_seconds_sum 12.5",
        // another histogram with a label before le, counted under its own key
        "sync_fanout_latency_seconds_bucket{node=\"a\",le=\"0.001\"} " + 2 * le1,
        "sync_fanout_latency_seconds_bucket{node=\"a\",le=\"+Inf\"} " + 2 * inf,
        // a histogram the report does not read
        "http_server_requests_seconds_bucket{le=\"0.001\"} 99.0",
        "");
  }

  @Test
  void between_givesCountAndPercentagesOfWhatThePhaseRecorded() {
    ServerHistograms.Snapshot before = ServerHistograms.parse(exposition(10, 20, 30, 40));
    ServerHistograms.Snapshot after = ServerHistograms.parse(exposition(60, 120, 220, 240));

    Map<String, Object> h = ServerHistograms.between(before, after);

    // 200 samples in the phase: 50 <= 1 ms, 100 <= 5 ms, 190 <= 10 ms
    assertThat(h.get("store_append"))
        .isEqualTo(
            Map.of("count", 200L, "percent_within_ms", Map.of("1", 25.0, "5", 50.0, "10", 95.0)));
    assertThat(h.get("fanout"))
        .isEqualTo(Map.of("count", 400L, "percent_within_ms", Map.of("1", 25.0)));
    assertThat(h).doesNotContainKey("http_server_requests");
  }

  @Test
  void between_aHistogramFirstSeenAfterTheStart_countsFromZero() {
    ServerHistograms.Snapshot before = ServerHistograms.parse("# nothing yet\n");
    ServerHistograms.Snapshot after = ServerHistograms.parse(exposition(1, 2, 3, 4));

    Map<String, Object> h = ServerHistograms.between(before, after);

    assertThat(((Map<?, ?>) h.get("store_append")).get("count")).isEqualTo(4L);
  }

  @Test
  void between_noSamples_reportsZeroPercentNotNaN() {
    ServerHistograms.Snapshot same = ServerHistograms.parse(exposition(1, 2, 3, 4));

    Map<String, Object> h = ServerHistograms.between(same, same);

    assertThat(h.get("store_append"))
        .isEqualTo(Map.of("count", 0L, "percent_within_ms", Map.of("1", 0.0, "5", 0.0, "10", 0.0)));
  }

  @Test
  void parse_skipsMalformedLines() {
    ServerHistograms.Snapshot s =
        ServerHistograms.parse(
            "sync_store_append_seconds_bucket{le=\"0.001\"}\n"
                + "sync_store_append_seconds_bucket 5\n"
                + "sync_store_append_seconds_bucket{le=\"0.005\"} many\n"
                + "sync_store_append_seconds_bucket{le=\"soon\"} 3\n"
                + "sync_store_append_seconds_bucket{le=\"+Inf\"} 7.0\n");

    assertThat(s.buckets().get("store_append")).containsOnlyKeys(Double.POSITIVE_INFINITY);
  }
}
