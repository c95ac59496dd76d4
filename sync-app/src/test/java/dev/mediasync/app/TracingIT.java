package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OpenTelemetry spans: a REST write is one trace, http → store.append → publish → fan-out. */
class TracingIT {
  private static final String USER = "trace-user-91c2";

  private InMemorySpanExporter spans;
  private OpenTelemetrySdk sdk;
  private TestServer server;

  @BeforeEach
  void start() {
    spans = InMemorySpanExporter.create();
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    server = TestServer.builder().openTelemetry(sdk).start();
  }

  @AfterEach
  void stop() {
    server.close();
    sdk.close();
  }

  @Test
  void restWrite_producesHttpStoreAppendPublishFanOutTree() {
    try (WsClient tv = server.connect(USER, "tv")) {
      Http.Resp r =
          server
              .http()
              .send(
                  "POST",
                  "/api/v1/sync/watchlist",
                  server.token(USER, "phone"),
                  "{\"operation\":\"add\",\"content_id\":\"tmdb:550\"}",
                  Map.of("Content-Type", "application/json", "X-Request-Id", "req-trace-1"));
      assertThat(r.status()).isEqualTo(200);
      tv.awaitType("watchlist_update");

      SpanData http = await("POST /api/v1/sync/watchlist");
      // The exporter is shared by the tests of this class: take this request's append.
      SpanData append = awaitChildOf("store.append", http);
      // Publish runs in the append's completion: nested under the append when the store finishes
      // after the engine registered its handler, else directly under the request (Vert.x then
      // runs the handler at registration, in the caller's context). Either way, one trace.
      SpanData publish = awaitChildOfAny("broker.publish", append, http);
      SpanData fanout = awaitChildOf("fanout", publish);

      assertThat(http.getKind()).isEqualTo(SpanKind.SERVER);
      assertThat(http.getAttributes().asMap().toString())
          .contains("/api/v1/sync/watchlist")
          .contains("req-trace-1")
          .contains("200");
      assertThat(append.getParentSpanId()).isEqualTo(http.getSpanId());
      assertThat(append.getTraceId()).isEqualTo(http.getTraceId());
      assertThat(publish.getTraceId()).isEqualTo(http.getTraceId());
      assertThat(fanout.getTraceId()).isEqualTo(http.getTraceId());
      assertThat(publish.getAttributes().asMap().toString()).contains("sync");
      for (SpanData s : spans.getFinishedSpanItems()) {
        assertThat(s.getName()).doesNotContain(USER);
        assertThat(s.getAttributes().asMap().toString()).doesNotContain(USER);
      }
    }
  }

  @Test
  void webSocketFrame_isOneSpanNamedByType_parentOfTheAppend() {
    try (WsClient phone = server.connect(USER + "-ws", "phone")) {
      phone.send(
          "{\"type\":\"progress_update\",\"content_id\":\"tmdb:1\",\"position_seconds\":1,"
              + "\"duration_seconds\":10,\"state\":\"playing\"}");
      phone.expectType("ack");
      SpanData frame = await("WS progress");
      SpanData append = awaitChildOf("store.append", frame);
      assertThat(append.getParentSpanId()).isEqualTo(frame.getSpanId());
      phone.send("{\"type\":\"heartbeat\"}");
      phone.expectType("heartbeat_ack");
      await("WS heartbeat");
    }
  }

  private SpanData await(String name) {
    return poll(name, s -> true, "");
  }

  private SpanData awaitChildOf(String name, SpanData parent) {
    return poll(
        name, s -> s.getParentSpanId().equals(parent.getSpanId()), " under " + parent.getName());
  }

  private SpanData awaitChildOfAny(String name, SpanData first, SpanData second) {
    return poll(
        name,
        s ->
            s.getParentSpanId().equals(first.getSpanId())
                || s.getParentSpanId().equals(second.getSpanId()),
        " under " + first.getName() + " or " + second.getName());
  }

  /** The first finished span called {@code name} that {@code where} accepts, within the wait. */
  private SpanData poll(String name, Predicate<SpanData> where, String whereText) {
    long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<SpanData> hit =
          spans.getFinishedSpanItems().stream()
              .filter(s -> s.getName().equals(name))
              .filter(where)
              .findFirst();
      if (hit.isPresent()) {
        return hit.get();
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError(
        "no span "
            + name
            + whereText
            + "; have "
            + spans.getFinishedSpanItems().stream().map(SpanData::getName).toList());
  }
}
