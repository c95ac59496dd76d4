package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Reconnect with {@code since=}: ops in order, or a snapshot, and no gap or duplicate with live.
 */
class CatchUpIT {

  @Test
  void since_deliversEveryLaterOpInTimestampOrder_beforeLiveTraffic() {
    try (TestServer server = TestServer.start()) {
      String writer = server.token("c-order", "phone");
      String since = null;
      for (int i = 0; i < 10; i++) {
        Http.Resp r =
            server
                .http()
                .post(
                    "/api/v1/sync/watchlist",
                    writer,
                    "{\"operation\":\"add\",\"content_id\":\"c" + i + "\"}");
        if (i == 3) {
          since = r.json().path("timestamp").asText();
        }
      }
      try (WsClient tv = server.connect("c-order", "tv", "&since=" + since)) {
        List<String> ids = new ArrayList<>();
        String last = since;
        for (int i = 4; i < 10; i++) {
          JsonNode op = tv.expectType("watchlist_update");
          ids.add(op.path("content_id").asText());
          assertThat(Long.parseUnsignedLong(op.path("timestamp").asText()))
              .isGreaterThan(Long.parseUnsignedLong(last));
          last = op.path("timestamp").asText();
        }
        assertThat(ids).containsExactly("c4", "c5", "c6", "c7", "c8", "c9");
        tv.expectSilence(Duration.ofMillis(150));
      }
    }
  }

  @Test
  void since_withConcurrentWrites_noGapNoDuplicate() throws Exception {
    try (TestServer server = TestServer.start()) {
      String writer = server.token("c-race", "phone");
      Http.Resp first =
          server
              .http()
              .post(
                  "/api/v1/sync/watchlist",
                  writer,
                  "{\"operation\":\"add\",\"content_id\":\"w0\"}");
      String since = first.json().path("timestamp").asText();
      AtomicBoolean stop = new AtomicBoolean();
      List<String> written = java.util.Collections.synchronizedList(new ArrayList<>());
      Thread writes =
          new Thread(
              () -> {
                for (int i = 1; i <= 300 && !stop.get(); i++) {
                  server
                      .http()
                      .post(
                          "/api/v1/sync/watchlist",
                          writer,
                          "{\"operation\":\"add\",\"content_id\":\"w" + i + "\"}");
                  written.add("w" + i);
                }
              });
      writes.start();
      // Connect while writes are flowing: some ops come from the log, some live.
      Thread.sleep(50);
      try (WsClient tv = server.connect("c-race", "tv", "&since=" + since)) {
        writes.join();
        List<String> seen = new ArrayList<>();
        while (seen.size() < written.size()) {
          seen.add(tv.expectType("watchlist_update").path("content_id").asText());
        }
        tv.expectSilence(Duration.ofMillis(200));
        assertThat(seen).as("every op exactly once, in order").containsExactlyElementsOf(written);
      }
    }
  }

  @Test
  void since_olderThanCompactedLog_getsSnapshotWithFullState() {
    try (TestServer server = TestServer.builder().tuning(o -> o.withCompaction(20, 5)).start()) {
      String writer = server.token("c-snap", "phone");
      String since =
          server
              .http()
              .post(
                  "/api/v1/sync/watchlist",
                  writer,
                  "{\"operation\":\"add\",\"content_id\":\"keep\"}")
              .json()
              .path("timestamp")
              .asText();
      for (int i = 0; i < 60; i++) {
        server
            .http()
            .post(
                "/api/v1/sync/progress",
                writer,
                "{\"content_id\":\"m"
                    + (i % 3)
                    + "\",\"position_seconds\":"
                    + i
                    + ",\"duration_seconds\":100,\"state\":\"playing\"}");
      }
      server
          .http()
          .post(
              "/api/v1/sync/watchlist",
              writer,
              "{\"operation\":\"remove\",\"content_id\":\"keep\"}");
      try (WsClient tv = server.connect("c-snap", "tv", "&since=" + since)) {
        JsonNode snap = tv.expectType("snapshot");
        JsonNode state = snap.path("state");
        assertThat(state.path("watchlist").path("live").has("keep")).isFalse();
        assertThat(state.path("progress").path("m2").path("position_seconds").asInt())
            .isEqualTo(59);
        assertThat(snap.path("timestamp").asText()).isEqualTo(state.path("latest").asText());
        tv.expectSilence(Duration.ofMillis(150));
      }
    }
  }
}
