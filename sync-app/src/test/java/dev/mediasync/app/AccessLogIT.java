package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * One access-log line per request and one per WebSocket connect/close, with the request id; never a
 * token (neither the header nor a {@code ?token=} query).
 */
class AccessLogIT {

  @Test
  void requestWithToken_logsRouteStatusAndRequestId_butNeverTheToken() throws Exception {
    try (TestServer server = TestServer.start()) {
      String token = server.token("log-user", "phone");
      String wsToken = server.token("log-user", null);
      String out =
          captureStderr(
              () -> {
                Http.Resp r =
                    server
                        .http()
                        .send(
                            "PUT",
                            "/api/v1/sync/preferences/subtitles",
                            token,
                            "{\"value\":\"fr\"}",
                            Map.of("Content-Type", "application/json", "X-Request-Id", "req-42"));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("X-Request-Id")).isEqualTo("req-42");
                WsClient ws =
                    WsClient.open(
                        "ws://127.0.0.1:" + server.port() + "/ws?device_id=tv&token=" + wsToken,
                        null);
                ws.expectType("welcome");
                ws.close();
                awaitLog(() -> errBuffer.toString(StandardCharsets.UTF_8), "ws_close");
                return null;
              });
      assertThat(out)
          .contains("http method=PUT route=/api/v1/sync/preferences/{key} status=200 duration_ms=")
          .contains("request_id=req-42")
          .contains("ws_connect device_id=tv")
          .contains("ws_close device_id=tv")
          .contains("close_code=1000")
          .doesNotContain(token)
          .doesNotContain(wsToken)
          .doesNotContain(token.substring(token.lastIndexOf('.') + 1))
          .doesNotContain("subtitles");
    }
  }

  @Test
  void requestId_invalidOrMissing_isReplacedByAGeneratedOne() {
    try (TestServer server = TestServer.start()) {
      Http.Resp bad =
          server.http().send("GET", "/health", null, null, Map.of("X-Request-Id", "bad id\t!"));
      assertThat(bad.header("X-Request-Id")).matches("[0-9a-f-]{36}");
      Http.Resp none = server.http().get("/health", null);
      assertThat(none.header("X-Request-Id")).matches("[0-9a-f-]{36}");
      assertThat(none.header("X-Request-Id")).isNotEqualTo(bad.header("X-Request-Id"));
    }
  }

  @Test
  void jsonFormat_writesOneJsonObjectPerLine() throws Exception {
    try (TestServer server = TestServer.builder().env("SYNC_LOG_FORMAT", "json").start()) {
      String token = server.token("log-json", null);
      PrintStream original = System.out;
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      try {
        server.http().send("GET", "/api/v1/devices", token, null, Map.of("X-Request-Id", "json-1"));
        awaitLog(() -> buf.toString(StandardCharsets.UTF_8), "json-1");
      } finally {
        System.setOut(original);
      }
      String line =
          buf.toString(StandardCharsets.UTF_8)
              .lines()
              .filter(l -> l.contains("json-1"))
              .findFirst()
              .orElseThrow();
      JsonNode j = Http.JSON.readTree(line);
      assertThat(j.path("event").asText()).isEqualTo("http");
      assertThat(j.path("route").asText()).isEqualTo("/api/v1/devices");
      assertThat(j.path("status").asInt()).isEqualTo(200);
      assertThat(j.path("request_id").asText()).isEqualTo("json-1");
      assertThat(j.path("duration_ms").isNumber()).isTrue();
      assertThat(line).doesNotContain(token);
    }
  }

  @Test
  void stuckLogReader_doesNotStallRequestsOrSockets() throws Exception {
    try (TestServer server = TestServer.start()) {
      String token = server.token("log-stuck", "phone");
      String wsToken = server.token("log-stuck", null);
      CountDownLatch unblock = new CountDownLatch(1);
      CountDownLatch aLineArrived = new CountDownLatch(1);
      PrintStream original = System.err;
      // Like a full pipe whose reader went away: every write waits.
      System.setErr(
          new PrintStream(
              new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                  aLineArrived.countDown();
                  try {
                    unblock.await();
                  } catch (InterruptedException e) {
                    throw new IOException(e);
                  }
                }
              },
              true));
      try {
        server.http().get("/health", null); // its access line wedges the log writer
        assertThat(aLineArrived.await(10, TimeUnit.SECONDS)).isTrue();

        for (int i = 0; i < 50; i++) {
          Http.Resp r =
              server.http().put("/api/v1/sync/preferences/theme", token, "{\"value\":" + i + "}");
          assertThat(r.status()).as("request %d while stderr is stuck", i).isEqualTo(200);
        }
        WsClient ws =
            WsClient.open(
                "ws://127.0.0.1:" + server.port() + "/ws?device_id=tv&token=" + wsToken, null);
        ws.expectType("welcome");
        ws.close();
      } finally {
        System.setErr(original);
        unblock.countDown();
      }
    }
  }

  private static ByteArrayOutputStream errBuffer;

  /**
   * Runs {@code body} with stderr (where the text log lines go) captured; returns what was written.
   */
  private static String captureStderr(Supplier<Void> body) {
    PrintStream original = System.err;
    errBuffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(errBuffer, true, StandardCharsets.UTF_8));
    try {
      body.get();
    } finally {
      System.setErr(original);
    }
    String out = errBuffer.toString(StandardCharsets.UTF_8);
    original.print(out);
    return out;
  }

  private static void awaitLog(Supplier<String> text, String needle) {
    long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
    while (!text.get().contains(needle) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
